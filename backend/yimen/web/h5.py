"""H5 citizen pages (server-rendered, no build step; work in WeChat's in-app browser)."""

from flask import Blueprint, render_template

from .common import api_doc

bp = Blueprint("h5", __name__)


@bp.get("/")
@api_doc("首页：一门能帮您办什么", tags=("h5",))
def home():
    return render_template("h5/home.html")
