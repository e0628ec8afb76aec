"""The A4 poster (`/d/<id>/poster.pdf`): a 200-row subsidy list over several pages, every Chinese
character drawn from the embedded font, and QR codes that decode to the page and the join link.

Checked the way a person would: the PDF rendered to images with poppler's `pdftoppm`, the QR codes
read back with `zbarimg` (both installed by `make test`), the text read back with `pdftotext`.
"""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import ConfigError, parse_config
from bot.i18n import catalogue
from bot.services.bundle import Services
from bot.web_render.poster import missing_glyphs
from storage.db import Store
from tests.test_web_disclosures import NOW, ledger_rows, name_of, publish, subsidy_rows
from tests.test_web_pages import BOT, build, web_config

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PUBLIC = "https://cwgk.example.cn"
PHONE = "0591-87654321"


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: `make test` installs poppler-utils and zbar-tools")
    return found


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    store = Store(str(tmp_path / "village.db"))
    config = web_config(tmp_path, public_url=PUBLIC)
    config = parse_config(
        {
            "telegram": {"token": config.telegram.token, "base_url": config.telegram.base_url},
            "storage": {"path": config.storage.path},
            "web": {"host": "127.0.0.1", "port": 0, "public_url": PUBLIC},
            "township": {"name": "示范镇", "staff": [9001], "supervision_phone": PHONE},
            "villages": [
                {"code": "qingshan", "name": "青山村"},
                {"code": "hexi", "name": "河西村"},
            ],
        },
        environ={},
    )
    built = Services.build(config, store)
    built.membership.sync_config()
    built.clock.set(NOW)
    yield built
    store.close()


def render_pages(pdf: bytes, tmp_path: Path, name: str, dpi: int = 110) -> list[Path]:
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    prefix = tmp_path / name
    subprocess.run(
        [tool("pdftoppm"), "-r", str(dpi), "-png", str(source), str(prefix)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return sorted(tmp_path.glob(f"{name}-*.png"))


def qr_codes(image: Path) -> set[str]:
    result = subprocess.run(
        [tool("zbarimg"), "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return {line for line in result.stdout.splitlines() if line}


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(
        [tool("pdftotext"), "-layout", str(source), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout


async def test_a_200_row_subsidy_poster_renders_every_character_and_its_qr_codes(
    aiohttp_client, services, tmp_path
):
    disclosure_id = publish(
        services,
        kind="subsidy",
        category="惠农补贴",
        title="2026年耕地地力保护补贴发放名单",
        rows=subsidy_rows(200),
    )
    client = await aiohttp_client(build(services))
    response = await client.get(f"/d/{disclosure_id}/poster.pdf")
    assert response.status == 200
    assert response.content_type == "application/pdf"
    pdf = await response.read()
    assert pdf.startswith(b"%PDF-")
    assert (await client.get(f"/d/{disclosure_id}/poster.pdf")).headers["ETag"] == response.headers[
        "ETag"
    ]

    # every character the poster draws has a glyph in the embedded font (no tofu boxes)
    found = services.disclosures.board.disclosure(disclosure_id)
    assert found is not None and found.subsidy is not None
    drawn = "".join(
        f"{b.group}{b.name}{b.item}{b.quantity}{b.standard}{b.paid}{b.note}"
        for b in found.subsidy.lines
    )
    drawn += found.title + found.village_name + PHONE
    drawn += "".join(
        v for k, v in catalogue("zh-CN").items() if k.startswith(("web.poster", "web.col"))
    )
    assert missing_glyphs(drawn) == set()

    # the text reads back: names masked, header repeated, the phone printed
    text = pdf_text(pdf, tmp_path)
    assert "2026年耕地地力保护补贴发放名单" in text.replace(" ", "")
    assert f"{name_of(199)[0]}*{name_of(199)[-1]}" in text
    assert name_of(0) not in text
    assert f"监督电话：{PHONE}" in text
    assert "?" not in text.replace("?start", "")  # nothing was replaced for lack of a glyph

    pages = render_pages(pdf, tmp_path, "subsidy")
    assert len(pages) >= 4  # 200 rows continue over several A4 pages
    # the table's header is repeated on every page it continues on
    assert text.count("户主") >= len(pages) - 1 >= 3
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pages[0], ARTIFACTS / "poster-subsidy-page1.png")
    shutil.copy(pages[-1], ARTIFACTS / "poster-subsidy-last.png")

    page_url = f"{PUBLIC}/d/{disclosure_id}"
    join_url = f"https://t.me/{BOT}?start=v_qingshan"
    assert qr_codes(pages[0]) == {page_url}
    assert qr_codes(pages[-1]) == {page_url, join_url}


async def test_a_ledger_poster_and_english(aiohttp_client, services, tmp_path):
    rows = ledger_rows(5, 6)
    income = sum(r.amount_fen for r in rows if r.section == "income")
    expense = sum(r.amount_fen for r in rows if r.section == "expense")
    disclosure_id = publish(
        services,
        kind="finance",
        title="2026年第三季度财务收支公开",
        rows=rows,
        opening=1_000_000,
        closing=1_000_000 + income - expense,
    )
    client = await aiohttp_client(build(services))
    pdf = await (await client.get(f"/d/{disclosure_id}/poster.pdf")).read()
    text = pdf_text(pdf, tmp_path)
    for expected in ("期初余额", "收入合计", "支出合计", "期末余额", "与期末余额相符", "李监督"):
        assert expected in "".join(text.split()), expected
    pages = render_pages(pdf, tmp_path, "ledger")
    assert len(pages) == 1
    shutil.copy(pages[0], ARTIFACTS / "poster-ledger.png")
    assert f"{PUBLIC}/d/{disclosure_id}" in qr_codes(pages[0])
    english = await (await client.get(f"/d/{disclosure_id}/poster.pdf?lang=en")).read()
    assert "Opening balance" in pdf_text(english, tmp_path)


async def test_no_poster_for_drafts_or_unknown_ids(aiohttp_client, services):
    client = await aiohttp_client(build(services))
    assert (await client.get("/d/12345/poster.pdf")).status == 404


# --------------------------------------------------------------------------- config


def test_supervision_phone_is_optional_and_checked(tmp_path):
    base = {
        "telegram": {"token": "1:x"},
        "storage": {"path": str(tmp_path / "db")},
        "villages": [{"code": "qingshan", "name": "青山村"}],
    }
    assert parse_config(base, environ={}).township.supervision_phone == ""
    for phone in ("0591-12345678", "12345", "+86 591 1234 5678"):
        config = parse_config({**base, "township": {"supervision_phone": phone}}, environ={})
        assert config.township.supervision_phone == phone
    for bad in ("call me", "1", "12345<script>", 12345):
        with pytest.raises(ConfigError) as failed:
            parse_config({**base, "township": {"supervision_phone": bad}}, environ={})
        assert "township.supervision_phone" in str(failed.value)


def test_each_village_prints_its_own_townships_supervision_phone(tmp_path):
    config = parse_config(
        {
            "telegram": {"token": "1:x"},
            "storage": {"path": str(tmp_path / "db")},
            "township": {"supervision_phone": "0591-11111111"},
            "townships": [
                {"code": "east", "name": "东镇", "supervision_phone": "0591-22222222"},
                {"code": "west", "name": "西镇"},
            ],
            "villages": [
                {"code": "qingshan", "name": "青山村", "township": "east"},
                {"code": "hexi", "name": "河西村", "township": "west"},
            ],
        },
        environ={},
    )
    assert config.supervision_phone_of("qingshan") == "0591-22222222"
    assert config.supervision_phone_of("hexi") == "0591-11111111"  # none of its own: the [township]


def test_the_example_config_documents_the_supervision_phone():
    example = (Path(__file__).resolve().parent.parent / "config.example.toml").read_text("utf-8")
    township = tomllib.loads(example)["township"]
    assert township["supervision_phone"] == ""  # present (every key is), empty: none printed
    assert "监督电话" in example
