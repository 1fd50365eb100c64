"""`npm run package` (osls, pinned in package.json) runs offline with dummy credentials, and cfn-lint
passes on the CloudFormation template it generates."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.aws_support import ROOT


@pytest.fixture(scope="module")
def packaged(artifact) -> Path:
    return artifact.out


@pytest.fixture(scope="module")
def template(packaged) -> dict:
    return json.loads((packaged / "cloudformation-template-update-stack.json").read_text())


def of_type(template: dict, kind: str) -> dict:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def test_cfn_lint_passes_for_china_and_global_regions(packaged):
    # W3005 (redundant DependsOn) comes from the framework's own generated resources.
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("cfn-lint")),
            "--ignore-checks",
            "W3005",
            "--regions",
            "cn-northwest-1",
            "cn-north-1",
            "us-east-1",
            "--",
            str(packaged / "cloudformation-template-update-stack.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_configuration_passes_the_tools_schema(packaged):
    log = (packaged / "package.log").read_text()  # configValidationMode: error would have failed the package
    assert "Service packaged" in log and "Warning" not in log, log


def test_every_function_is_packaged_with_its_own_role(template):
    declared = yaml.safe_load((ROOT / "serverless.yml").read_text().replace("!", ""))["functions"]
    functions = of_type(template, "AWS::Lambda::Function")
    assert len(functions) == len(declared) == 8
    roles = [f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions.values()]
    assert set(roles) == set(of_type(template, "AWS::IAM::Role"))
    for name, fn in functions.items():
        if name == "OcrWorkerLambdaFunction":  # the OCR model is too big for a zip: a container image
            assert "@sha256:" in fn["Properties"]["Code"]["ImageUri"]
        else:
            assert fn["Properties"]["Runtime"] == "python3.12"
        assert fn["Properties"]["Environment"]["Variables"]["YIMEN_BACKEND"] == "aws"


def test_least_privilege_roles(template):
    def statements(role: str) -> list[dict]:
        return [
            statement.get("Fn::If", [None, statement])[1]
            for policy in template["Resources"][role]["Properties"]["Policies"]
            for statement in policy["PolicyDocument"]["Statement"]
        ]

    def actions(role: str) -> set[str]:
        found = set()
        for statement in statements(role):
            acts = statement["Action"]
            found |= {acts} if isinstance(acts, str) else set(acts)
        return found

    # The API takes no work from a queue: it only receives from the notices' dead-letter queue, for staff
    # to put undelivered notices back (services/notices/dead.py).
    receiving = [s["Resource"] for s in statements("ApiRole") if "sqs:ReceiveMessage" in s["Action"]]
    assert receiving == [{"Fn::GetAtt": ["NoticeDeadLetterQueue", "Arn"]}]
    assert not any(a.startswith("s3:") for a in actions("NotifierRole"))
    assert not any(a.endswith("*") for role in of_type(template, "AWS::IAM::Role") for a in actions(role))


def test_only_the_anchor_function_can_sign_audit_anchors(template):
    """A role that can write the table cannot sign an anchor over rewritten history: the anchor key's
    policy gives kms:Sign to the anchoring function's role alone, and bars IAM policies from granting it."""
    key = template["Resources"]["AuditAnchorKey"]["Properties"]
    assert (key["KeySpec"], key["KeyUsage"]) == ("ECC_NIST_P256", "SIGN_VERIFY")
    signers = [s["Principal"] for s in key["KeyPolicy"]["Statement"] if "kms:Sign" in s.get("Action", [])]
    assert signers == [{"AWS": {"Fn::GetAtt": ["AuditAnchorRole", "Arn"]}}]
    assert all(s.get("NotAction") == "kms:Sign" for s in key["KeyPolicy"]["Statement"] if "Action" not in s)
    for name, role in of_type(template, "AWS::IAM::Role").items():
        granted = json.dumps(role["Properties"].get("Policies", []))
        assert "kms:Sign" not in granted and "AuditAnchorKey" not in granted, name
    anchor = template["Resources"]["AuditAnchorLambdaFunction"]["Properties"]
    assert anchor["Environment"]["Variables"]["YIMEN_AUDIT_SIGNING_KEY_ID"] == {"Ref": "AuditAnchorKey"}


def test_queues_have_dead_letters_and_fit_their_workers(template):
    mappings = of_type(template, "AWS::Lambda::EventSourceMapping")
    assert len(mappings) == 3
    for mapping in mappings.values():
        props = mapping["Properties"]
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        queue = template["Resources"][props["EventSourceArn"]["Fn::GetAtt"][0]]["Properties"]
        assert "deadLetterTargetArn" in queue["RedrivePolicy"]
        target = props["FunctionName"]["Fn::GetAtt"][0]
        timeout = template["Resources"][target]["Properties"]["Timeout"]
        assert queue["VisibilityTimeout"] >= 6 * timeout  # never redelivered while still running


def test_data_at_rest_is_protected(template):
    table = template["Resources"]["RecordsTable"]["Properties"]
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    bucket = template["Resources"]["BlobBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert "ServerSideEncryptionConfiguration" in bucket["BucketEncryption"]


def test_http_routes_and_schedules(template):
    routes = {r["Properties"]["RouteKey"] for r in of_type(template, "AWS::ApiGatewayV2::Route").values()}
    assert routes == {"$default", "POST /api/v1/ocr/idcard", "GET /wechat/callback", "POST /wechat/callback"}
    schedules = [r["Properties"]["ScheduleExpression"] for r in of_type(template, "AWS::Events::Rule").values()]
    assert sorted(schedules) == [
        "cron(0 18 19 3,6,9,12 ? *)",
        "rate(15 minutes)",
        "rate(30 minutes)",
        "rate(5 minutes)",
    ]


def test_the_zip_holds_the_code_and_nothing_else(packaged):
    names = zipfile.ZipFile(packaged / "yimen.zip").namelist()
    assert "functions/api.py" in names and "backend/yimen/entrypoints/web/app.py" in names
    assert any(n.startswith("templates/") for n in names)
    assert any(n.startswith("backend/yimen/catalogue/") for n in names)
    assert not [n for n in names if n.startswith(("tests/", "node_modules/", "miniprogram/", ".venv/"))]
    assert not [n for n in names if n.startswith("scripts/")]
    compiled = [n for n in names if n.endswith(".pyc")]  # bytecode for Lambda's Python, no other
    assert "functions/__pycache__/api.cpython-312.pyc" in compiled
    assert all(n.endswith(".cpython-312.pyc") for n in compiled)


def test_operators_hear_of_dead_letters_errors_and_throttles(template):
    alarms = of_type(template, "AWS::CloudWatch::Alarm").values()
    watched_queues = {
        a["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for a in alarms
        if a["Properties"]["Namespace"] == "AWS/SQS"
    }
    dead_letters = {q for q in of_type(template, "AWS::SQS::Queue") if "DeadLetter" in q}
    assert watched_queues == dead_letters | {"ScheduleFailureQueue"}
    erroring = {
        a["Properties"]["Dimensions"][0]["Value"]["Ref"] for a in alarms if a["Properties"]["MetricName"] == "Errors"
    }
    assert {"ApiLambdaFunction", "WechatCallbackLambdaFunction", "OcrWorkerLambdaFunction"} <= erroring
    assert any(a["Properties"]["MetricName"] == "Throttles" for a in alarms)
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms)


def test_the_api_is_throttled_and_failed_schedules_are_kept(template):
    stage = template["Resources"]["HttpApiStage"]["Properties"]["DefaultRouteSettings"]
    assert stage == {"ThrottlingRateLimit": 200, "ThrottlingBurstLimit": 400}
    kept = {
        c["Properties"]["FunctionName"]["Ref"]: c["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]
        for c in of_type(template, "AWS::Lambda::EventInvokeConfig").values()
    }
    failures = {"Fn::GetAtt": ["ScheduleFailureQueue", "Arn"]}
    assert kept == {
        "DeadlineScannerLambdaFunction": failures,
        "HappinessScheduleLambdaFunction": failures,
        "AuditAnchorLambdaFunction": failures,
    }
