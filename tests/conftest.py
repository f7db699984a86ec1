import pytest

from tests.harness import App


@pytest.fixture
def app(tmp_path):
    application = App(tmp_path / "data")
    yield application
    application.close()


@pytest.fixture
def make_app(tmp_path):
    made = []

    def factory(env=None, name="data"):
        application = App(tmp_path / name, env=env)
        made.append(application)
        return application

    yield factory
    for application in made:
        application.close()
