"""Policy API and H5 pages through the real Flask app."""

import re

from yimen.entrypoints.web.api_policy import ASK_PER_MINUTE


def test_items_list_and_detail(client):
    items = client.get("/api/v1/policy/items").get_json()["items"]
    assert len(items) == 15 and {"code", "name", "category", "url"} <= set(items[0])
    detail = client.get("/api/v1/policy/items/tekun").get_json()
    assert detail["basis"][0]["title"].startswith("《社会救助暂行办法》")
    assert detail["standards"][0]["demo"] is True
    changzhou = client.get("/api/v1/policy/items/tekun?region=320402").get_json()["standards"]
    assert [s["fen"] for s in changzhou] == [150000, 90000, 34200, 20000] and not changzhou[0]["demo"]
    assert {c["item_code"] for c in detail["not_with"]} >= {"canji-shenghuo", "canji-huli"}
    missing = client.get("/api/v1/policy/items/nope")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "ITEM_NOT_FOUND"


def test_hints_endpoint_is_public_and_explains(client):
    body = {
        "members": [{"age": 82, "income_fen": {}, "work_capacity": "无劳动能力"}],
        "assets_fen": 0,
        "has_supporter": False,
        "current_aid": ["dibao"],
    }
    data = client.post("/api/v1/eligibility/hints", json=body).get_json()
    by_code = {i["item_code"]: i for i in data["items"]}
    assert by_code["gaoling"]["status"] == "likely"
    assert by_code["tekun"]["status"] == "unlikely"
    assert by_code["tekun"]["conflicts"][0]["item_code"] == "dibao"
    assert data["region"] == {"name": "示范县", "demo": True}
    bad = client.post("/api/v1/eligibility/hints", json={"members": "三口人"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "BAD_PROFILE"


def test_ask_answers_short_and_links_the_item(client):
    data = client.post("/api/v1/policy/ask", json={"question": "五保戶一個月給多少錢"}).get_json()
    assert data["item_code"] == "tekun" and data["intent"] == "standard"
    assert len(data["answer"]) <= 300 and data["answer"].endswith("详情：/policy/tekun")
    assert data["sources"] and data["confidence"] > 0.5
    none = client.post("/api/v1/policy/ask", json={"question": "明天股票涨不涨"}).get_json()
    assert none["intent"] == "out_of_scope" and "没有找到" in none["answer"] and "12345" in none["answer"]
    assert client.post("/api/v1/policy/ask", json={"question": ""}).status_code == 400
    assert client.post("/api/v1/policy/ask", json={"question": "问" * 201}).status_code == 400


def test_ask_is_rate_limited(client):
    codes = [
        client.post("/api/v1/policy/ask", json={"question": "低保条件"}).status_code for _ in range(ASK_PER_MINUTE + 1)
    ]
    assert codes[:ASK_PER_MINUTE] == [200] * ASK_PER_MINUTE
    assert codes[-1] == 429


def test_h5_list_item_and_search_pages(client):
    index = client.get("/policy").get_data(as_text=True)
    for text in ("基本生活救助", "专项救助", "急难救助", "社会力量", "最低生活保障", "微心愿"):
        assert text in index
    item = client.get("/policy/tekun").get_data(as_text=True)
    assert "1500元/人/月" in item and "常州市" in item and "演示数值" in item
    assert "居民身份证或户口簿" in item and "不能同时享受" in item and "20 个工作日" in item
    search = client.get("/policy/search?q=五保户要带啥材料").get_data(as_text=True)
    assert "特困人员救助供养" in search and "家庭经济状况核对授权书" in search
    empty = client.get("/policy/search?q=火车票").get_data(as_text=True)
    assert "没有找到" in empty
    assert client.get("/policy/nope").status_code == 404


def test_api_and_h5_ask_use_one_engine_and_cite_both_pages_of_two_aids(client):
    question = "低保和残疾人生活补贴能一起领吗"
    data = client.post("/api/v1/policy/ask", json={"question": question}).get_json()
    assert data["intent"] == "combination" and data["links"] == ["/policy/dibao", "/policy/canji-shenghuo"]
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/ask").get_data(as_text=True)).group(1)
    page = client.post("/ask", data={"question": question, "csrf": csrf}).get_data(as_text=True)
    assert data["answer"].split("详情：")[0] in page
    assert 'href="/policy/dibao">看“最低生活保障”完整政策' in page
    assert 'href="/policy/canji-shenghuo">看“困难残疾人生活补贴”完整政策' in page
