"""`yimen kms-data-key`: a new data key wrapped by KMS, for the serverless deployment."""

import os
from dataclasses import replace

import click

from yimen.bootstrap import wrapped_data_key
from yimen.config import aws_endpoints


@click.command("kms-data-key", help="用 KMS 生成新的数据密钥，只输出密文（部署时填入 dataKeyCiphertext 参数）")
@click.option("--key-id", required=True, help="KMS 密钥 ID、ARN 或别名（如 alias/yimen-prod-data）")
@click.option("--region", default=None, help="区域，如 cn-northwest-1（默认取 AWS_REGION）")
def kms_data_key_command(key_id: str, region: str | None) -> None:
    endpoints = aws_endpoints(os.environ)
    endpoints = replace(endpoints, region=region or endpoints.region)
    click.echo(wrapped_data_key(endpoints, key_id))
