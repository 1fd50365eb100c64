"""What every command starts from: the configured services for a data directory."""

from yimen.bootstrap import Services, build_services, load_config


def services_for(data_dir: str | None) -> Services:
    return build_services(load_config(data_dir))
