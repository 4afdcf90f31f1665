"""The chat page in a real headless Chromium against a real server of the project."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Locator, Page, Route, expect, sync_playwright

from chatbot.app import create_app
from chatbot.settings import Settings
from ingest.pipeline import run_ingest

NOTES_DIR = Path(__file__).resolve().parent.parent / "notes"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium "
        "(apt-get install chromium fonts-nanum)",
    ),
]

expect.set_options(timeout=TIMEOUT_MS)

# Records, for the answer being streamed, how often text was appended and the text lengths
# seen by each observer callback.
WATCH_STREAM_JS = """
() => {
  const log = { appends: 0, lengths: [] };
  window.__streamLog = log;
  const list = document.getElementById("messages");
  new MutationObserver((records) => {
    for (const r of records) {
      const inAnswer = r.target instanceof Element && r.target.matches(".message-assistant .text");
      const addsText = [...r.addedNodes].some((n) => n.nodeType === Node.TEXT_NODE);
      if (inAnswer && addsText && r.removedNodes.length === 0) log.appends += 1;
    }
    const answers = list.querySelectorAll(".message-assistant .text");
    const current = answers[answers.length - 1];
    if (current) log.lengths.push(current.textContent.length);
  }).observe(list, { childList: true, subtree: true, characterData: true });
}
"""

# Draws two syllables and an unassigned code point in the page's font: with a Korean font
# they all differ; without one each is the same missing-glyph box.
HANGUL_HAS_GLYPHS_JS = """
() => {
  const family = getComputedStyle(document.querySelector("h1")).fontFamily;
  const canvas = document.createElement("canvas");
  canvas.width = 48;
  canvas.height = 48;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const draw = (ch) => {
    ctx.clearRect(0, 0, 48, 48);
    ctx.font = `36px ${family}`;
    ctx.fillText(ch, 4, 38);
    return ctx.getImageData(0, 0, 48, 48).data.join(",");
  };
  const [ga, ui, missing] = [draw("강"), draw("의"), draw("\\u{E000}")];
  return ga !== ui && ga !== missing && ui !== missing;
}
"""


class PacedGenerator:
    """The extractive answerer, streamed at the pace of a model writing ~40 pieces a
    second, so the page can be seen drawing an answer while it arrives."""

    def __init__(self, inner, delay_s: float = 0.025) -> None:
        self.inner = inner
        self.name = inner.name
        self.delay_s = delay_s

    def generate(self, request):
        return self.inner.generate(request)

    def stream(self, request):
        for piece in self.inner.stream(request):
            time.sleep(self.delay_s)
            yield piece


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server of the project on a free port, over an index of the sample notes."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("browser") / "data", notes_dir=NOTES_DIR)
    run_ingest(settings)
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    chain = app.state.services.chat.chain
    chain.generator = chain.extractive = PacedGenerator(chain.extractive)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser: Browser, base_url: str, **context_options: object) -> Page:
    context = browser.new_context(base_url=base_url, locale="ko-KR", **context_options)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto("/")
    expect(page.locator("#send-button")).to_be_enabled()
    return page


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    page = open_page(browser, base_url)
    yield page
    page.context.close()


def answers(page: Page) -> Locator:
    """Assistant messages whose answer has finished."""
    return page.locator(".message-assistant[data-intent]")


def send(page: Page, text: str) -> Locator:
    """Sends a message with Enter and returns the finished answer."""
    before = answers(page).count()
    page.fill("#message-input", text)
    page.press("#message-input", "Enter")
    expect(answers(page)).to_have_count(before + 1)
    return answers(page).last


def test_page_loads_with_korean_text(page: Page, tmp_path: Path) -> None:
    expect(page).to_have_title("강의 노트 도우미")
    expect(page.locator("h1")).to_have_text("강의 노트 도우미")
    expect(page.locator(".hint")).to_contain_text("물어보세요")
    expect(page.get_by_role("button", name="새 대화")).to_be_visible()
    expect(page.get_by_role("button", name="보내기")).to_be_visible()
    expect(page.get_by_label("메시지")).to_be_focused()
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.evaluate(HANGUL_HAS_GLYPHS_JS), "Hangul is drawn as empty boxes"
    shot = tmp_path / "page.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 5_000


def test_keyboard_newline_and_character_count(page: Page) -> None:
    box = page.get_by_label("메시지")
    box.press_sequentially("첫 줄")
    box.press("Shift+Enter")
    box.press_sequentially("둘째 줄")
    expect(box).to_have_value("첫 줄\n둘째 줄")
    expect(page.locator("#char-count")).to_have_text("8 / 2000자")
    assert box.get_attribute("maxlength") == "2000"
    expect(page.locator(".message")).to_have_count(0)


def test_greeting_gets_a_friendly_reply(page: Page) -> None:
    answer = send(page, "안녕하세요")
    expect(page.locator(".message-user .bubble")).to_have_text("안녕하세요")
    expect(answer).to_have_attribute("data-intent", "greeting")
    expect(answer.locator(".text")).to_have_text(re.compile(r"[가-힣]{2,}"))
    expect(answer.locator("details.sources")).to_have_count(0)
    expect(page.get_by_label("메시지")).to_have_value("")
    expect(page.locator("#send-button")).to_be_enabled()


def test_question_streams_an_answer_with_expandable_sources(page: Page) -> None:
    # The server streams at a model's pace (PacedGenerator), so pieces arrive apart.
    page.evaluate(WATCH_STREAM_JS)
    answer = send(page, "SVM이 뭐야?")
    expect(answer).to_have_attribute("data-intent", "question")
    log = page.evaluate("window.__streamLog")
    assert log["appends"] >= 2, log
    partial_lengths = {n for n in log["lengths"] if n > 0}
    assert len(partial_lengths) >= 2, f"the answer did not grow while streaming: {log}"

    sources = answer.locator("details.sources")
    expect(sources).to_have_count(1)
    first = sources.locator(".source").first
    expect(first).to_be_hidden()
    sources.locator("summary").click()
    expect(sources).to_have_attribute("open", "")
    expect(first).to_be_visible()
    expect(first.locator(".source-file")).to_have_text(re.compile(r".+\.(md|txt)$"))
    expect(first.locator(".source-score")).to_contain_text("관련도")
    expect(first.locator(".source-snippet")).not_to_be_empty()


def test_citation_marks_open_the_cited_passage(page: Page) -> None:
    answer = send(page, "SVM이 뭐야?")
    marks = answer.locator(".text button.cite")
    expect(marks.first).to_have_text(re.compile(r"^\[\d+\]$"))
    n = marks.first.get_attribute("data-n")
    sources = answer.locator("details.sources")
    assert sources.get_attribute("open") is None
    marks.first.click()
    expect(sources).to_have_attribute("open", "")
    cited = sources.locator(f'.source[data-n="{n}"]')
    expect(cited).to_be_visible()
    expect(cited).to_have_class(re.compile(r"\bcited\b"))
    expect(cited).to_be_focused()
    # the cited passage holds the line the answer opens with (without its context label)
    first_line = answer.locator(".text").inner_text().split("\n")[0]
    statement = re.sub(r"\s*\[\d+\]\s*$", "", first_line).split(": ", 1)[-1].rstrip(".")
    expect(cited.locator(".source-snippet")).to_contain_text(statement[:20])


def test_quoted_code_is_shown_as_a_code_block_under_its_cited_sentence(page: Page) -> None:
    answer = send(page, "x_test는 어떻게 정규화해?")
    text = answer.locator(".text")
    block = text.locator("pre.code code")
    expect(block).to_have_count(1)
    expect(block).to_have_text('x_test = x_test.astype("float32")[..., None] / 255.0')
    expect(text).not_to_contain_text("```")
    expect(text.locator("button.cite")).to_have_count(1)


def test_feedback_and_conversation_survive_a_reload(page: Page) -> None:
    answer = send(page, "SVM이 뭐야?")
    answer_text = answer.locator(".text").inner_text()
    thumbs_up = answer.get_by_role("button", name="도움이 됐어요")
    with page.expect_response("**/feedback") as response_info:
        thumbs_up.click()
    response = response_info.value
    assert response.ok
    assert response.request.post_data_json["rating"] == "up"
    expect(thumbs_up).to_have_attribute("aria-pressed", "true")
    expect(answer.get_by_role("button", name="도움이 안 됐어요")).to_have_attribute(
        "aria-pressed", "false"
    )

    page.reload()
    expect(page.locator(".message-user .bubble")).to_have_text(["SVM이 뭐야?"])
    restored = answers(page)
    expect(restored).to_have_count(1)
    expect(restored.locator(".text")).to_have_text(answer_text)
    expect(restored.get_by_role("button", name="도움이 됐어요")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(restored.locator("details.sources")).to_have_count(1)

    page.get_by_role("button", name="새 대화").click()
    expect(page.locator(".message")).to_have_count(0)
    page.reload()
    expect(page.locator("#empty-state")).to_be_visible()
    expect(page.locator(".message")).to_have_count(0)


def test_a_session_the_server_forgot_is_dropped(page: Page) -> None:
    page.evaluate("localStorage.setItem('chatbot.session_id', 'no-such-session')")
    page.reload()
    expect(page.locator("#send-button")).to_be_enabled()
    assert page.evaluate("localStorage.getItem('chatbot.session_id')") is None
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("#empty-state")).to_be_visible()


def test_html_in_messages_is_shown_as_text(page: Page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    payload = "<img src=x onerror=alert(1)>"
    send(page, payload)
    expect(page.locator(".message-user .bubble")).to_have_text(payload)
    assert page.locator("img").count() == 0
    assert dialogs == []


def test_unreachable_server_shows_an_alert_and_keeps_the_message(page: Page) -> None:
    page.route("**/chat/stream", lambda route: route.abort())
    page.fill("#message-input", "SVM이 뭐야?")
    page.click("#send-button")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("서버에 연결할 수 없어요")
    expect(page.get_by_label("메시지")).to_have_value("SVM이 뭐야?")
    expect(page.get_by_label("메시지")).to_be_focused()
    expect(page.locator(".message")).to_have_count(0)

    page.unroute("**/chat/stream")
    page.press("#message-input", "Enter")
    expect(answers(page)).to_have_count(1)
    expect(alert).to_have_count(0)


def test_server_error_body_is_shown_in_korean(page: Page) -> None:
    page.route(
        "**/chat/stream",
        lambda route: route.fulfill(
            status=503,
            json={
                "error": "busy",
                "message": "잠시 후 다시 시도해 주세요. (Try again later.)",
                "message_ko": "잠시 후 다시 시도해 주세요.",
                "message_en": "Try again later.",
            },
        ),
    )
    page.fill("#message-input", "안녕하세요")
    page.press("#message-input", "Enter")
    expect(page.get_by_role("alert")).to_contain_text("잠시 후 다시 시도해 주세요.")
    expect(page.get_by_label("메시지")).to_have_value("안녕하세요")


def upload(page: Page, tool: str, path: Path) -> Locator:
    """Runs one image tool from the page; returns its finished result message."""
    page.select_option("#tool-select", label=tool)
    outcomes = page.locator(".tool-result:not(.streaming), .notice")
    before = outcomes.count()
    page.set_input_files("#image-input", path)
    expect(outcomes).to_have_count(before + 1)
    assert page.get_by_role("alert").all_inner_texts() == []
    return page.locator(".tool-result").last


@pytest.fixture
def seven_png(tmp_path: Path) -> Path:
    """A thick black 7 on white, as a person would draw it."""
    image = Image.new("L", (140, 140), 255)
    ImageDraw.Draw(image).line([(30, 28), (110, 28), (62, 120)], fill=0, width=16, joint="curve")
    path = tmp_path / "seven.png"
    image.save(path)
    return path


def test_digit_tool_shows_the_recognised_digit(page: Page, seven_png: Path) -> None:
    result = upload(page, "숫자 인식", seven_png)
    expect(result.locator(".text")).to_have_text(re.compile(r"^인식한 숫자: 7 \(확신도 [\d.]+%\)$"))
    expect(page.locator(".message-user").last).to_contain_text("seven.png")


def test_mosaic_tool_shows_the_returned_image(page: Page, tmp_path: Path) -> None:
    from skimage import data

    photo = tmp_path / "astronaut.png"
    Image.fromarray(data.astronaut()).save(photo)
    result = upload(page, "얼굴 모자이크", photo)
    expect(result.locator(".text")).to_have_text(re.compile(r"얼굴 [1-9]\d*개를 모자이크했어요"))
    image = result.locator("img")
    expect(image).to_be_visible()
    assert (image.get_attribute("src") or "").startswith("blob:")
    assert image.evaluate("img => img.complete && img.naturalWidth") == 512


def test_tool_errors_are_shown_as_a_notice(page: Page, tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"this is not a picture")
    page.select_option("#tool-select", label="얼굴 모자이크")
    page.set_input_files("#image-input", broken)
    expect(page.get_by_role("alert")).to_contain_text("이미지")
    expect(page.locator(".tool-result")).to_have_count(0)
    expect(page.get_by_role("button", name="이미지 올리기")).to_be_enabled()


def test_phone_layout_has_no_horizontal_scroll(browser: Browser, base_url: str) -> None:
    page = open_page(
        browser, base_url, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    try:
        send(page, "가" * 150 + " https://example.com/" + "x" * 200)
        send(page, "SVM이 뭐야?")
        page.locator("details.sources summary").click()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375
        for name in ("보내기", "새 대화", "이미지 올리기"):
            box = page.get_by_role("button", name=name).bounding_box()
            assert box is not None
            assert box["height"] >= 44
            assert box["width"] >= 44
    finally:
        page.context.close()


def test_a_name_from_code_in_backticks_is_shown_as_inline_code(page: Page) -> None:
    def with_code_name(route: Route) -> None:
        # the answer as the server streams it, its subject written as a name from code
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace("SVM", "`sklearn.svm.SVC`"))

    page.route("**/chat/stream", with_code_name)
    text = send(page, "SVM이 뭐야?").locator(".text")
    expect(text.locator("code.inline").first).to_have_text("sklearn.svm.SVC")
    expect(text).not_to_contain_text("`")
