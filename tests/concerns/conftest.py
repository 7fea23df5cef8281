import pytest


@pytest.fixture
def flask_command(app, db_session):
    """`flask --app covenant_portal ...` in the test's transaction; fails the test if it fails."""
    runner = app.test_cli_runner()

    def invoke(*args):
        with app.app_context():
            result = runner.invoke(args=list(args))
        assert result.exit_code == 0, result.output
        return result

    return invoke
