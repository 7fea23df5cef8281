from tests.authorization.matrix import only

ROUTES = [
    only("jobs.runs", "/admin/job-runs", admin=200),
]
