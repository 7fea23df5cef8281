from tests.authorization.matrix import only

ROUTES = [
    only("admin.users", "/admin/users", admin=200),
    only("admin.invite_user", "/admin/users/invite", admin=200),
    only("admin.invite_user", "/admin/users/invite", method="POST", admin=400),
    only("admin.user_detail", "/admin/users/{w.provider_a_colleague.id}", admin=200),
    only("admin.deactivate_user", "/admin/users/{w.provider_a_colleague.id}/deactivate", admin=200),
    only("admin.deactivate_user", "/admin/users/{w.provider_a_colleague.id}/deactivate", method="POST", admin=302),
    only("admin.reactivate_user", "/admin/users/{w.provider_a_colleague.id}/reactivate", method="POST", admin=302),
]
