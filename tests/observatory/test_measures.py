"""Every measure against the hand-worked figures of tests/observatory/scene.py."""

from datetime import date

import pytest

from covenant_portal.observatory import measures
from covenant_portal.observatory.service import MISSING, work_out
from covenant_portal.observatory.settings import ObservatorySettings
from tests.factories import local_authority
from tests.observatory import scene as scene_module

TODAY = date(2027, 2, 1)  # Q3 2026 to 2027 (October to December) has opened; Q4 has not


@pytest.fixture
def scene(db_session):
    return scene_module.build(db_session)


def _quarters(db_session, scene):
    return [
        quarter
        for quarter in measures.recent_quarters(db_session, TODAY, 12)
        if quarter.period_id in {p.id for p in scene.periods}
    ]


def figures_tuple(each):
    return None if each is None else (each.registered, each.occupied, each.vacant, each.gm_placed, each.outside_gm)


def test_providers(db_session, scene):
    quarters = _quarters(db_session, scene)
    assert [quarter.label for quarter in quarters] == ["Q1 2026 to 2027", "Q2 2026 to 2027", "Q3 2026 to 2027"]
    found = measures.figures(db_session, quarters, "organisation")
    p = measures.series(found, quarters, scene.p.organisation.id)
    assert [figures_tuple(each) for each in p] == [(10, 9, 1, 6, 3), (10, 9, 1, 7, 2), None]  # Q2 as corrected
    assert p[0].gm_share == pytest.approx(600 / 9) and p[1].gm_share == pytest.approx(700 / 9)
    q = measures.series(found, quarters, scene.q.organisation.id)
    assert figures_tuple(q[0]) == (3, 0, 3, 0, 0) and q[0].gm_share is None  # no share, not 0 %
    assert figures_tuple(q[1]) == (3, 2, 1, 2, 0) and q[1].gm_share == 100
    r = measures.series(found, quarters, scene.r.organisation.id)
    assert figures_tuple(r[0]) == (5, 4, 1, 4, 0) and r[1] is None and r[2] is None  # Q2 missing, not zero


def test_homes(db_session, scene):
    quarters = _quarters(db_session, scene)
    found = measures.figures(db_session, quarters, "home")
    a = measures.series(found, quarters, scene.a.id)
    assert figures_tuple(a[0]) == (6, 5, 1, 4, 1)
    assert a[0].placed_by == {
        local_authority(db_session, "Bolton").id: 3,
        local_authority(db_session, "Manchester").id: 1,
    }
    assert figures_tuple(a[1]) == (6, 5, 1, 5, 0)  # the correction, not version 1 (1 GM, 4 outside)
    assert measures.series(found, quarters, scene.d.id)[1] is None


def test_host_las_and_gm(db_session, scene):
    quarters = _quarters(db_session, scene)
    found = measures.figures(db_session, quarters, "host")
    bolton, bury, manchester, wigan = (
        local_authority(db_session, name).id for name in ("Bolton", "Bury", "Manchester", "Wigan")
    )
    hosted = measures.series(found, quarters, bolton)
    assert [figures_tuple(each) for each in hosted] == [(9, 5, 4, 4, 1), (9, 7, 2, 7, 0), None]
    assert hosted[0].placed_by == {bolton: 3, manchester: 1} and hosted[1].placed_by == {bolton: 5, manchester: 2}
    assert [figures_tuple(each) for each in measures.series(found, quarters, bury)] == [
        (4, 4, 0, 2, 2),
        (4, 4, 0, 2, 2),
        None,
    ]
    assert measures.series(found, quarters, bury)[1].placed_by == {bury: 1, bolton: 1}
    assert figures_tuple(measures.series(found, quarters, wigan)[0]) == (5, 4, 1, 4, 0)
    assert measures.series(found, quarters, wigan)[1] is None
    assert measures.series(found, quarters, manchester) == [None, None, None]  # hosts no home
    gm = measures.total(found, quarters, [bolton, bury, manchester, wigan])
    assert [figures_tuple(each) for each in gm] == [(18, 13, 5, 10, 3), (13, 11, 2, 9, 2), None]
    assert gm[0].gm_share == pytest.approx(1000 / 13) and gm[1].gm_share == pytest.approx(900 / 11)


def test_placing_las(db_session, scene):
    found = work_out(db_session, ObservatorySettings(cache_seconds=0), TODAY)
    bolton, bury, manchester = (local_authority(db_session, name).id for name in ("Bolton", "Bury", "Manchester"))
    index = [quarter.period_id for quarter in found.quarters].index(scene.periods[0].id)
    by_bolton = found.placements_by(bolton)[index : index + 3]
    assert {host: n for host, n in by_bolton[0].items() if n} == {bolton: 3}
    assert {host: n for host, n in by_bolton[1].items() if n} == {bolton: 5, bury: 1}
    assert by_bolton[2] is None  # missing quarter
    by_manchester = found.placements_by(manchester)[index : index + 2]
    assert sum(by_manchester[0].values()) == 1 and sum(by_manchester[1].values()) == 2
    # Provider shares for recognition: the two latest quarters (Q2, Q3)
    q2, q3 = found.quarters[-2:]
    assert found.organisation_share(q2, scene.q.organisation.id) == 100
    assert found.organisation_share(q3, scene.q.organisation.id) == MISSING


def test_constant_queries(db_session, scene):
    from tests.returns.test_compliance_queries import counted

    with counted(db_session.connection()) as small:
        work_out(db_session, ObservatorySettings(cache_seconds=0), TODAY)
    for _ in range(3):
        scene_module.build(db_session)
    with counted(db_session.connection()) as large:
        work_out(db_session, ObservatorySettings(cache_seconds=0), TODAY)
    assert len(small) == len(large) <= 8
