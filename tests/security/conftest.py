from tests.notices.conftest import sim  # noqa: F401  (the same WeChat-imitation fixture)
