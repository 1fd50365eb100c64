"""WeChat through wechatpy. The base URL is configurable so local runs and tests talk real HTTP to
the bundled imitation (entrypoints/web/wechat_imitation.py) with exactly the production code path.

wechatpy (and requests under it) is imported on the first call to WeChat: most requests of a cold
Lambda never make one."""

import contextlib
import functools
from collections.abc import Iterator

from yimen.domain.errors import NotAuthenticated, YimenError
from yimen.ports import WeChat, WeChatCallFailed

REAL_API = "https://api.weixin.qq.com/"
REAL_OAUTH = "https://open.weixin.qq.com/connect/"


@functools.cache
def _client_class():
    from wechatpy import WeChatClient

    class _Client(WeChatClient):
        def __init__(self, appid: str, secret: str, api_base: str, timeout: float):
            super().__init__(appid, secret, timeout=timeout)
            self._api_base = api_base
            self.API_BASE_URL = api_base + "cgi-bin/"
            self.wxa.API_BASE_URL = api_base

        def fetch_access_token(self):
            return self._fetch_access_token(
                url=self._api_base + "cgi-bin/token",
                params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
            )

    return _Client


@contextlib.contextmanager
def _translated() -> Iterator[None]:
    """wechatpy's refusals as the port's own exception."""
    from wechatpy.exceptions import WeChatClientException

    try:
        yield
    except WeChatClientException as exc:
        raise WeChatCallFailed(exc.errcode, exc.errmsg or "", getattr(exc.response, "status_code", None)) from exc


class WeChatGateway(WeChat):
    def __init__(self, appid: str, secret: str, api_base: str = REAL_API, timeout: float = 5.0):
        self.appid, self.secret, self.api_base = appid, secret, api_base.rstrip("/") + "/"
        self.timeout = timeout

    @functools.cached_property
    def client(self):
        return _client_class()(self.appid, self.secret, self.api_base, self.timeout)

    def code_to_openid(self, code: str) -> str:
        """wx.login code -> openid (code2Session)."""
        from wechatpy.exceptions import WeChatClientException

        try:
            return self.client.wxa.code_to_session(code)["openid"]
        except WeChatClientException as exc:
            raise NotAuthenticated("WECHAT_CODE_INVALID", "微信登录凭证无效或已过期，请重新进入小程序") from exc
        except OSError as exc:
            raise YimenError("WECHAT_UNAVAILABLE", "暂时连不上微信服务，请稍后再试", status=503) from exc

    def _oauth(self, redirect_uri: str, state: str = ""):
        from wechatpy import WeChatOAuth

        oauth = WeChatOAuth(self.appid, self.secret, redirect_uri, scope="snsapi_base", state=state)
        oauth.API_BASE_URL = self.api_base
        # The imitation serves the authorize page too; the real one lives on open.weixin.qq.com.
        oauth.OAUTH_BASE_URL = REAL_OAUTH if self.api_base == REAL_API else self.api_base + "connect/"
        return oauth

    def web_authorize_url(self, redirect_uri: str, state: str) -> str:
        """H5 pages in WeChat's browser: where to send the user for web OAuth (snsapi_base)."""
        return self._oauth(redirect_uri, state).authorize_url

    def web_code_to_openid(self, code: str) -> str:
        from wechatpy.exceptions import WeChatOAuthException

        try:
            return self._oauth("").fetch_access_token(code)["openid"]
        except WeChatOAuthException as exc:
            raise NotAuthenticated("WECHAT_CODE_INVALID", "微信授权已失效，请重新打开页面") from exc
        except OSError as exc:
            raise YimenError("WECHAT_UNAVAILABLE", "暂时连不上微信服务，请稍后再试", status=503) from exc

    def send_subscribe_message(self, openid: str, template_id: str, data: dict, page: str | None = None) -> dict:
        with _translated():
            return self.client.wxa.send_subscribe_message(openid, template_id, data, page=page)

    def send_template_message(self, openid: str, template_id: str, data: dict, url: str | None = None) -> dict:
        with _translated():
            return self.client.message.send_template(openid, template_id, data, url=url)
