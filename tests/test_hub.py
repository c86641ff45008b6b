"""A cohort on a real JupyterHub, and what one participant can do to another.

One hub for the module (the course's ``deploy/jupyterhub/jupyterhub_config.py``,
the proxy from npm, loopback): a facilitator and three participants. Participants
sign up with passwords of their own; the facilitator's comes from the hub. The
facilitator generates and releases an assignment through the Formgrader's API,
each participant fetches, answers and submits it through their own server (one of
them writes ``<script>`` and ``onerror`` into a reflection), the facilitator
collects, autogrades and returns feedback: the grades are what each earned.

Then the attacks, each shown refused next to a control that shows the same probe
works on what the person may see: logging in as someone else with one's own
password; reading another home, the facilitator's gradebook and sources, the hub's
secrets, from one's kernel and through the contents API; listing, changing or
deleting someone else's submission or feedback, changing the released assignment,
or filing a submission under someone else's name; opening another user's server;
and the facilitator opening the booby-trapped reflection in the Formgrader in
Chromium, where nothing of it runs.

Each OS account runs its own server only when the hub runs as root (as CI does);
otherwise the attacks on files skip, saying so. Everything started is stopped and
the accounts made are removed."""

from __future__ import annotations

import json
import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from .hub import AS_ROOT, CLOSED_COURSE, Hub, world_readable_dir

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CLOSED_COURSE is not None, reason=str(CLOSED_COURSE))]

ROOT = Path(__file__).resolve().parents[1]
TAG = secrets.token_hex(2)  # OS accounts: names nobody else on the machine has
FACILITATOR = f"mkt{TAG}fac"
PARTICIPANTS = [f"mkt{TAG}p{i}" for i in range(1, 4)]
P1, P2, P3 = PARTICIPANTS
COURSE = "mentorkit"
CANARY = f"mk-canary-{TAG}"
PAYLOAD = (f"My reflection MARK-{TAG}.\n\n<script>window.{CANARY.replace('-', '_')} = 'script'; "
           f"fetch('/{CANARY}/script')</script>\n\n"
           f"<img src=\"/nonexistent-{TAG}.png\" onerror=\"window.{CANARY.replace('-', '_')} = 'onerror'; "
           f"fetch('/{CANARY}/onerror')\">\n")
NEEDS_ROOT = pytest.mark.skipif(not AS_ROOT, reason="one OS account per person needs the hub to run as "
                                "root (as CI does); as another user every server shares one account")


def first_assignment() -> Path:
    found = sorted((ROOT / "source").glob("[0-9][0-9]*-*/*.ipynb"))
    assert found, "no assignment in source/ to release"
    return found[0]


SOURCE = first_assignment()
ASSIGNMENT = SOURCE.parent.name
SOLUTION = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$", re.M)


def answer_cells(nb) -> list[tuple[str, str]]:
    """(grade_id, solution source) of the autograded answer cells, in order."""
    found = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and not meta.get("grade") and cell.cell_type == "code":
            found.append((meta["grade_id"], "\n".join(
                line for line in cell.source.splitlines() if not SOLUTION.match(line))))
    return found


def points_by_answer(nb) -> dict[str, float]:
    """Answer cell -> points of the autograded test cells that follow it (up to the next answer)."""
    points: dict[str, float] = {}
    current = None
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        if meta.get("solution") and not meta.get("grade"):
            current = meta["grade_id"]
            points[current] = 0.0
        elif meta.get("grade") and current is not None:
            points[current] += float(meta.get("points", 0))
    return points


def test_the_assignment_has_checks_worth_points_and_a_reflection():
    nb = nbformat.read(SOURCE, as_version=4)
    assert answer_cells(nb), f"{SOURCE.name} has no autograded answer cells"
    assert all(value > 0 for value in points_by_answer(nb).values())
    assert any(c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution") for c in nb.cells)


def test_the_hub_refuses_a_shared_password_and_says_when_it_is_plain_http(tmp_path):
    """Loading the configuration with a shared password, or (not root) on 0.0.0.0, stops the hub;
    plain HTTP is announced on every page, HTTPS is served when given a certificate."""
    config = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
    script = ("import sys; from traitlets.config import Config; c = Config()\n"
              f"exec(open({str(config)!r}).read(),\n"
              f"     {{'get_config': lambda: c, '__file__': {str(config)!r}}})\n"
              "notice = c.JupyterHub.template_vars if 'template_vars' in c.JupyterHub else {}\n"
              "print('LOADED', c.JupyterHub.bind_url, notice.get('announcement', ''))\n")
    base = {**os.environ, "MENTORKIT_HUB_DATA": str(tmp_path), "MENTORKIT_INSTRUCTORS": "mktnobodyfac"}
    shared = subprocess.run([sys.executable, "-c", script], env={**base, "MENTORKIT_HUB_PASSWORD": "x" * 12},
                            capture_output=True, text=True, timeout=60)
    assert shared.returncode != 0 and "no longer accepted" in shared.stderr, shared.stderr
    plain = subprocess.run([sys.executable, "-c", script], env={**base, "MENTORKIT_HUB_IP": "0.0.0.0"},
                           capture_output=True, text=True, timeout=60)
    if AS_ROOT:  # served, and saying plainly that it is plain HTTP
        assert "LOADED http://0.0.0.0" in plain.stdout and "plain HTTP" in plain.stdout, plain
        assert "plain HTTP" in plain.stderr
    else:
        assert plain.returncode != 0 and "must run as root" in plain.stderr, plain.stderr
    # given a certificate, it serves HTTPS and says nothing about plain HTTP
    cert = {"MENTORKIT_HUB_SSL_CERT": str(tmp_path / "cert.pem"),
            "MENTORKIT_HUB_SSL_KEY": str(tmp_path / "key.pem")}
    https = subprocess.run([sys.executable, "-c", script], env={**base, **cert},
                           capture_output=True, text=True, timeout=60)
    assert "LOADED https://127.0.0.1" in https.stdout, https
    assert "plain HTTP" not in https.stdout + https.stderr, https


@pytest.fixture(scope="module")
def hub():
    data = world_readable_dir()
    running = Hub(data, instructors=[FACILITATOR], students=PARTICIPANTS)
    try:
        running.start()
        yield running
        left = running.stop()
        assert left == [], f"processes left running: {left}"
    finally:
        running.stop()
        shutil.rmtree(data, ignore_errors=True)
    assert not AS_ROOT or not any(_account(name) for name in [FACILITATOR, *PARTICIPANTS])


def _account(name):
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


@pytest.fixture(scope="module")
def cohort(hub):
    """Everyone signed up and started; the assignment released, submitted, collected,
    autograded, and its feedback returned. Returns the participants' passwords."""
    passwords = {name: secrets.token_urlsafe(12) for name in PARTICIPANTS}
    for name, password in passwords.items():
        signed = hub.sign_up(name, password)
        assert signed.status_code == 200, signed.text[:300]
    passwords[FACILITATOR] = hub.facilitator_password(FACILITATOR)

    everyone = [FACILITATOR, *PARTICIPANTS]
    for name in everyone:
        hub.token_for(name)
        response = hub.api("POST", f"users/{name}/server", token=hub.tokens[name])
        assert response.status_code in (201, 202), f"{response.status_code} {response.text}\n{hub.log_tail()}"
    for name in everyone:
        hub.wait_ready(name)

    generated = hub.user_json(FACILITATOR, "POST", f"formgrader/api/assignment/{ASSIGNMENT}/assign")
    assert generated["success"], generated.get("log", "") + generated.get("error", "")
    released = hub.user_json(FACILITATOR, "POST", f"formgrader/api/assignment/{ASSIGNMENT}/release")
    assert released["success"], released

    source = nbformat.read(SOURCE, as_version=4)
    checks = answer_cells(source)
    notebook_path = f"assignments/{ASSIGNMENT}/{SOURCE.name}"
    for i, name in enumerate(PARTICIPANTS):
        listed = hub.user_json(name, "POST", "assignments/fetch",
                               data={"course_id": COURSE, "assignment_id": ASSIGNMENT})
        assert listed["success"], listed
        model = hub.user_json(name, "GET", f"api/contents/{notebook_path}")
        nb = nbformat.from_dict(model["content"])
        right = {grade_id for grade_id, _ in checks[:i + 1]}
        reflected = False
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            for check_id, solution in checks:
                if meta.get("grade_id") == check_id and check_id in right:
                    cell.source = solution
            if name == P1 and cell.cell_type == "markdown" and meta.get("solution") and not reflected:
                cell.source, reflected = PAYLOAD, True
        hub.user_json(name, "PUT", f"api/contents/{notebook_path}",
                      json={"type": "notebook", "format": "json", "content": nb})
        submitted = hub.user_json(name, "POST", "assignments/submit",
                                  data={"course_id": COURSE, "assignment_id": ASSIGNMENT})
        assert submitted["success"], submitted

    collected = hub.user_json(FACILITATOR, "POST", f"formgrader/api/assignment/{ASSIGNMENT}/collect")
    assert collected["success"], collected
    for name in PARTICIPANTS:
        graded = hub.user_json(FACILITATOR, "POST",
                               f"formgrader/api/submission/{ASSIGNMENT}/{name}/autograde")
        assert graded["success"], graded
    for step in ("generate_feedback", "release_feedback"):
        done = hub.user_json(FACILITATOR, "POST", f"formgrader/api/assignment/{ASSIGNMENT}/{step}")
        assert done["success"], step + done.get("log", "") + done.get("error", "")
    return passwords


def test_the_cohort_is_graded_and_gets_feedback(hub, cohort):
    source = nbformat.read(SOURCE, as_version=4)
    checks, points = answer_cells(source), points_by_answer(source)
    submissions = {s["student"]: s for s in
                   hub.user_json(FACILITATOR, "GET", f"formgrader/api/submissions/{ASSIGNMENT}")}
    assert set(submissions) == set(PARTICIPANTS)
    for i, name in enumerate(PARTICIPANTS):
        expected = sum(points[grade_id] for grade_id, _ in checks[:i + 1])
        assert submissions[name]["autograded"], name
        assert submissions[name]["code_score"] == pytest.approx(expected), name
    # each participant fetches their own feedback, and it shows no hidden test
    fetched = hub.user_json(P2, "POST", "assignments/fetch_feedback",
                            data={"course_id": COURSE, "assignment_id": ASSIGNMENT})
    assert fetched["success"], fetched
    feedback = hub.user_request(P2, "GET", f"api/contents/assignments/{ASSIGNMENT}/feedback").json()
    assert feedback["type"] == "directory" and feedback["content"], feedback


def test_feedback_shows_a_reflections_markup_as_text(hub, cohort):
    fetched = hub.user_json(P1, "POST", "assignments/fetch_feedback",
                            data={"course_id": COURSE, "assignment_id": ASSIGNMENT})
    assert fetched["success"], fetched
    folder = hub.user_json(P1, "GET", f"api/contents/assignments/{ASSIGNMENT}/feedback")
    pages = [item["path"] for item in folder["content"] if item["type"] == "directory"]
    html = "".join(item["path"] for item in folder["content"] if item["name"].endswith(".html"))
    for sub in pages:  # feedback/<timestamp>/<notebook>.html
        for item in hub.user_json(P1, "GET", f"api/contents/{sub}")["content"]:
            if item["name"].endswith(".html"):
                html += hub.user_json(P1, "GET", f"api/contents/{item['path']}")["content"]
    assert f"MARK-{TAG}" in html  # P1's reflection is in the feedback
    canary = CANARY.replace("-", "_")
    assert f"<script>window.{canary}" not in html and "onerror=" not in html.replace("onerror=&quot;", "")
    assert f"&lt;script&gt;window.{canary}" in html


def test_each_person_logs_in_with_their_own_password_only(hub, cohort):
    for name in [FACILITATOR, *PARTICIPANTS]:  # the controls: one's own password works
        session = hub.log_in(name, cohort[name])
        assert session is not None, f"{name} could not log in with their own password"
        session.close()
    assert hub.log_in(FACILITATOR, cohort[P1]) is None, "a participant's password opened the facilitator's"
    assert hub.log_in(P2, cohort[P1]) is None, "a participant's password opened another participant's account"
    assert hub.log_in(FACILITATOR, "") is None
    # signing up again under a taken name changes nothing
    hub.sign_up(FACILITATOR, cohort[P1])
    assert hub.log_in(FACILITATOR, cohort[P1]) is None
    # a name not on the roster can sign up but never log in
    outsider = f"mkt{TAG}x"
    hub.sign_up(outsider, cohort[P1])
    assert hub.log_in(outsider, cohort[P1]) is None
    # nobody is a JupyterHub admin; facilitators (only) see NativeAuthenticator's sign-up page
    users = hub.api("GET", "users").json()
    assert not [u["name"] for u in users if u.get("admin")]
    for name, status in ((FACILITATOR, 200), (P1, 403)):
        session = hub.log_in(name, cohort[name])
        page = session.get(f"{hub.url}/hub/authorize", timeout=60)
        session.close()
        assert page.status_code == status, (name, page.status_code)
        assert (P2 in page.text) == (status == 200), name  # the list of sign-ups


def test_nobody_opens_another_users_server(hub, cohort):
    p1 = hub.log_in(P1, cohort[P1])
    facilitator = hub.log_in(FACILITATOR, cohort[FACILITATOR])

    def visit(session, owner):
        """Open the owner's JupyterLab (through the hub's OAuth, as a browser does), then their files."""
        page = session.get(f"{hub.url}/user/{owner}/lab", timeout=60)
        files = session.get(f"{hub.url}/user/{owner}/api/contents", timeout=60)
        return page, files

    try:
        page, files = visit(p1, P1)  # the control: one's own server opens
        assert page.status_code == 200 and files.status_code == 200, (page.status_code, files.status_code)
        assert files.json()["type"] == "directory"
        for session, other in ((p1, P2), (p1, FACILITATOR), (facilitator, P1)):
            page, files = visit(session, other)
            assert page.status_code == 403, (other, page.status_code, page.url)
            assert files.status_code in (403, 404) or "/hub/login" in files.url, (other, files.status_code)
            assert '"type": "directory"' not in files.text and '"content"' not in files.text
        with_token = hub.user_request(P2, "GET", "api/contents",
                                      headers={"Authorization": f"token {hub.tokens[P1]}"})
        assert with_token.status_code == 403, with_token.status_code
    finally:
        p1.close()
        facilitator.close()


@NEEDS_ROOT
def test_each_server_runs_as_its_own_account_with_a_closed_home(hub, cohort):
    for name in [FACILITATOR, *PARTICIPANTS]:
        account = pwd.getpwnam(name)
        assert account.pw_uid >= 1000
        assert (os.stat(account.pw_dir).st_mode & 0o777) == 0o700, name
        who = hub.run_code(name, "import os; print(os.getuid(), os.geteuid())")
        assert who.split() == [str(account.pw_uid)] * 2, (name, who)


def test_participants_land_in_voila_and_facilitators_in_jupyterlab(hub, cohort):
    landing = {}
    for name in (P1, FACILITATOR):
        response = hub.user_request(name, "GET", "", allow_redirects=False)
        landing[name] = response.headers.get("Location", "").split("?")[0]
    assert landing[P1].endswith("/voila/render/modules/00-welcome.ipynb"), landing
    assert "/lab/" in landing[FACILITATOR], landing
    assert landing[FACILITATOR].endswith("modules/00-welcome.ipynb"), landing
    page = hub.user_request(P1, "GET", "voila/render/modules/00-welcome.ipynb")
    assert page.status_code == 200, page.status_code
    # the learner's set-up, as with make start: the page header, no MathJax from a CDN,
    # and JupyterLab without its news pop-up
    assert 'class="mk-header"' in page.text and '"fullMathjaxUrl": null' in page.text
    settings = hub.user_request(P1, "GET", "lab/api/settings/@jupyterlab/apputils-extension:notification")
    assert settings.json()["schema"]["properties"]["fetchNews"]["default"] == "false"


def test_a_participants_jupyterlab_opens_with_its_side_panels_closed(hub, cohort):
    """As make start and Binder give it: on a phone, JupyterLab shows the page, not
    the file browser. Facilitators, who grade from the file browser, keep
    JupyterLab's own layout."""
    def left(name: str) -> dict:
        response = hub.user_request(name, "GET", "lab/api/workspaces/default")
        assert response.status_code == 200, (name, response.status_code)
        return response.json()["data"].get("layout-restorer:data", {}).get("left", {})

    assert left(P1).get("collapsed") is True and left(P2).get("collapsed") is True
    assert not left(FACILITATOR).get("collapsed", False)
    if AS_ROOT:  # written by the participant's own account, which keeps it up to date
        folder = Path(pwd.getpwnam(P1).pw_dir) / ".jupyter" / "lab" / "workspaces"
        owners = {path.stat().st_uid for path in [folder, *folder.iterdir()]}
        assert owners == {pwd.getpwnam(P1).pw_uid}, owners


PROBE = r"""
import json, os
def probe(path, write=False):
    try:
        if os.path.isdir(path):
            return "listed %d" % len(os.listdir(path))
        if write:
            with open(path, "a") as f:
                f.write("x")
            return "written"
        with open(path, "rb") as f:
            return "read %d" % len(f.read())
    except OSError as e:
        return "refused " + type(e).__name__
print(json.dumps({p: probe(p) for p in PATHS}))
"""


def probe(hub, name, paths) -> dict[str, str]:
    out = hub.run_code(name, f"PATHS = {json.dumps([str(p) for p in paths])}\n{PROBE}")
    return json.loads(out.strip().splitlines()[-1])


@NEEDS_ROOT
def test_a_kernel_reads_nothing_of_anyone_else_nor_of_the_hub(hub, cohort):
    home = {name: Path(pwd.getpwnam(name).pw_dir) for name in [FACILITATOR, *PARTICIPANTS]}
    own = [home[P1], home[P1] / "assignments" / ASSIGNMENT / SOURCE.name]
    course = home[FACILITATOR] / "course"
    secrets_ = [home[P2], home[P2] / "assignments" / ASSIGNMENT / SOURCE.name,
                home[FACILITATOR], course / "gradebook.db", course / "source",
                course / "source" / ASSIGNMENT / SOURCE.name, ROOT / "source",
                hub.data / "hub", hub.data / "hub" / "jupyterhub_cookie_secret",
                hub.data / "hub" / "jupyterhub.sqlite", hub.data / "hub" / "facilitator-passwords.txt",
                Path(f"/proc/{hub.proc.pid}/environ")]
    for path in secrets_:  # they exist: root sees them
        assert path.exists(), path
    seen = probe(hub, P1, own + secrets_)
    assert all(seen[str(p)].startswith(("read", "listed")) for p in own), seen
    leaked = {p: r for p, r in seen.items() if Path(p) not in own and not r.startswith("refused")}
    assert not leaked, leaked


@NEEDS_ROOT
def test_a_kernel_cannot_reach_another_server_behind_the_proxy(hub, cohort):
    """P2's server listens on loopback; P1's kernel asks it directly, with P1's own token."""
    url = None
    for pid in hub.server_pids():
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        values = dict(item.decode(errors="replace").partition("=")[::2] for item in environ if b"=" in item)
        if values.get("JUPYTERHUB_USER") == P2 and values.get("JUPYTERHUB_SERVICE_URL"):
            url = values["JUPYTERHUB_SERVICE_URL"]
    assert url, "P2's server was not found"
    code = (f"import os, urllib.request, urllib.error\nurl = {url!r}.rstrip('/') + '/api/contents'\n"
            "request = urllib.request.Request(url, headers={'Authorization': 'token ' + "
            "os.environ['JUPYTERHUB_API_TOKEN']})\n"
            "try:\n    print('answered', urllib.request.urlopen(request, timeout=20).status)\n"
            "except urllib.error.HTTPError as e:\n    print('refused', e.code)\n")
    answer = hub.run_code(P1, code).strip().splitlines()[-1]
    assert answer.startswith("refused 40"), answer


@NEEDS_ROOT
def test_the_contents_api_follows_no_link_into_anyone_elses_files(hub, cohort):
    targets = {"p2-home": pwd.getpwnam(P2).pw_dir,
               "gradebook": str(Path(pwd.getpwnam(FACILITATOR).pw_dir) / "course" / "gradebook.db"),
               "cookie": str(hub.data / "hub" / "jupyterhub_cookie_secret")}
    hub.run_code(P1, "import os\n" + "".join(
        f"os.symlink({target!r}, {name!r}) if not os.path.lexists({name!r}) else None\n"
        for name, target in targets.items()))
    assert hub.user_request(P1, "GET", "api/contents/assignments").status_code == 200  # the control
    for name in targets:
        for route in (f"api/contents/{name}", f"files/{name}"):
            response = hub.user_request(P1, "GET", route)
            assert response.status_code >= 400, (route, response.status_code, response.text[:200])


EXCHANGE_ATTACK = r"""
import glob, json, os, shutil
ex = EXCHANGE + "/mentorkit"
result = {}
def attempt(label, action):
    try:
        value = action()
        result[label] = "done" + ("" if value is None else ": %r" % (value,))
    except OSError as e:
        result[label] = "refused " + type(e).__name__
attempt("list inbound", lambda: os.listdir(ex + "/inbound"))
def find_theirs():
    found = glob.glob(ex + "/inbound/" + OTHER + "+*")
    if not found:
        raise PermissionError("nothing found")
    return found
attempt("find others' submissions", find_theirs)
attempt("list feedback", lambda: os.listdir(ex + "/feedback"))
attempt("rename their submission", lambda: os.rename(THEIRS, THEIRS + "-gone"))
attempt("delete their submission", lambda: shutil.rmtree(THEIRS))
attempt("change their submission", lambda: open(THEIRS + "/" + NOTEBOOK, "a").write("changed"))
attempt("add to their submission", lambda: open(THEIRS + "/extra.ipynb", "w").write("{}"))
attempt("change their feedback", lambda: open(FEEDBACK, "a").write("changed"))
attempt("delete their feedback", lambda: os.remove(FEEDBACK))
attempt("change the release", lambda: open(ex + "/outbound/" + ASSIGNMENT + "/" + NOTEBOOK, "a").write("x"))
attempt("add to the release", lambda: open(ex + "/outbound/" + ASSIGNMENT + "/extra.ipynb", "w").write("{}"))
attempt("delete the release", lambda: shutil.rmtree(ex + "/outbound/" + ASSIGNMENT))
attempt("replace the course", lambda: os.rename(ex, ex + "-gone"))
attempt("release one's own", lambda: os.mkdir(ex + "/outbound/fake"))
print(json.dumps(result))
"""


@NEEDS_ROOT
def test_the_exchange_lets_nobody_touch_anyone_elses_work(hub, cohort):
    exchange = hub.data / "exchange"
    inbound = exchange / COURSE / "inbound"
    theirs = sorted(inbound.glob(f"{P2}+{ASSIGNMENT}+*"))
    feedback = sorted((exchange / COURSE / "feedback").glob("*.html"))
    assert theirs and feedback, (theirs, feedback)
    before = {p: p.read_bytes() for p in [*theirs[-1].rglob("*"), *feedback,
                                            *(exchange / COURSE / "outbound").rglob("*")] if p.is_file()}
    code = (f"EXCHANGE, OTHER, THEIRS = {str(exchange)!r}, {P2!r}, {str(theirs[-1])!r}\n"
            f"FEEDBACK, NOTEBOOK, ASSIGNMENT = {str(feedback[0])!r}, {SOURCE.name!r}, {ASSIGNMENT!r}\n"
            + EXCHANGE_ATTACK)
    result = json.loads(hub.run_code(P1, code).strip().splitlines()[-1])
    allowed = {label: value for label, value in result.items() if not value.startswith("refused")}
    assert not allowed, allowed
    after = {p: p.read_bytes() for p in before if p.exists()}
    assert after == before, "the exchange changed under the attack"

    # filing a submission under another participant's name: nbgrader takes it, the collect drops it
    forged = hub.run_code(P1, (  # what the Assignments tab does, under P2's name
        "import os\nfrom traitlets.config import Config\nfrom nbgrader.auth import Authenticator\n"
        "from nbgrader.coursedir import CourseDirectory\n"
        "from nbgrader.exchange.default.submit import ExchangeSubmit\nc = Config()\n"
        f"c.CourseDirectory.course_id = {COURSE!r}\nc.CourseDirectory.student_id = {P2!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        "c.Exchange.assignment_dir = os.path.expanduser('~/assignments')\n"
        f"course = CourseDirectory(config=c)\ncourse.assignment_id = {ASSIGNMENT!r}\n"
        "ExchangeSubmit(coursedir=course, authenticator=Authenticator(config=c), config=c).start()\n"
        "print('SUBMITTED')\n"))
    assert forged.strip().splitlines()[-1] == "SUBMITTED", forged
    assert len(sorted(inbound.glob(f"{P2}+{ASSIGNMENT}+*"))) == len(theirs) + 1
    collected_p2 = Path(pwd.getpwnam(FACILITATOR).pw_dir) / "course" / "submitted" / P2 / ASSIGNMENT
    stamp = (collected_p2 / "timestamp.txt").read_text()
    again = hub.user_json(FACILITATOR, "POST", f"formgrader/api/assignment/{ASSIGNMENT}/collect")
    assert again["success"], again
    assert (collected_p2 / "timestamp.txt").read_text() == stamp, "a forged submission replaced P2's"


def test_the_formgrader_runs_nothing_a_participant_wrote(hub, cohort, browser, tmp_path):
    notebook = SOURCE.stem
    listed = hub.user_json(FACILITATOR, "GET", f"formgrader/api/submitted_notebooks/{ASSIGNMENT}/{notebook}")
    mine = [s for s in listed if s["student"] == P1]
    assert mine, listed
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    fired: list[str] = []
    page.on("request", lambda request: CANARY in request.url and fired.append(request.url))
    try:
        page.goto(f"{hub.url}/hub/login")
        page.fill("input[name=username]", FACILITATOR)
        page.fill("input[name=password]", cohort[FACILITATOR])
        with page.expect_navigation(timeout=60_000):
            page.click("input[type=submit], button[type=submit]")
        assert any(c["name"] == "jupyterhub-hub-login" for c in context.cookies()), page.url
        page.goto(f"{hub.url}/user/{FACILITATOR}/formgrader/submissions/{mine[0]['id']}/")
        page.wait_for_selector(f"text=MARK-{TAG}", timeout=60_000)
        page.locator(f"text=MARK-{TAG}").scroll_into_view_if_needed()
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ROOT / "tests" / "screenshots" / "hub-formgrader-reflection.png")
                        if (ROOT / "tests" / "screenshots").is_dir() else str(tmp_path / "formgrader.png"),
                        full_page=False)
        flag = page.evaluate(f"() => window.{CANARY.replace('-', '_')} || null")
        assert flag is None and not fired, (flag, fired)
        # the control: the canary is observable when something does run in this page
        page.evaluate(f"() => fetch('/{CANARY}/control').catch(() => null)")
        page.wait_for_timeout(500)
        assert fired and fired[0] == f"{hub.url}/{CANARY}/control", fired
    finally:
        context.close()


def test_a_page_that_lost_its_kernel_says_so(hub, cohort, browser, tmp_path):
    """A participant's course home in Voila; the kernel goes (as the culler would stop it):
    the page says so, and nothing typed in it is touched."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{hub.url}/hub/login")
        page.fill("input[name=username]", P3)
        page.fill("input[name=password]", cohort[P3])
        with page.expect_navigation(timeout=60_000):
            page.click("input[type=submit], button[type=submit]")
        page.goto(f"{hub.url}/user/{P3}/voila/render/modules/00-welcome.ipynb", timeout=120_000)
        page.wait_for_selector(".jp-OutputArea-output, .widget-html-content", timeout=120_000)
        notice = page.locator("#mk-kernel-lost")
        page.evaluate("() => window.mkCheckKernel()")  # the control: the kernel is there, all quiet
        page.wait_for_timeout(1500)
        assert notice.is_hidden()
        kernel = page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data')"
                               ".textContent).kernelId")
        assert hub.user_request(P3, "DELETE", f"api/kernels/{kernel}").status_code == 204
        page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
        notice.wait_for(state="visible", timeout=10_000)
        assert "lost its connection" in notice.inner_text()
        page.screenshot(path=str(tmp_path / "kernel-lost.png"))
    finally:
        context.close()


def test_on_the_hub_closing_a_page_gives_its_kernel_back(hub, cohort, browser):
    """The course template's shutdown on unload works behind the hub's log-in too
    (test_voila_kernels.py has the same check under Voila alone and as an extension)."""
    from .test_voila_kernels import PAGE, failed_responses, open_page, refused_shutdowns, wait_until

    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login?next=/user/{P2}/api/status", timeout=120_000)
    page.fill("input[name=username]", P2)
    page.fill("input[name=password]", cohort[P2])
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(f"**/user/{P2}/api/status", timeout=120_000)
    failed = failed_responses(page)

    def listed() -> set[str]:
        return {k["id"] for k in hub.user_json(P2, "GET", "api/kernels")}

    kernel_id = open_page(page, f"{hub.url}/user/{P2}{PAGE}")
    assert kernel_id in listed()
    page.close(run_before_unload=True)
    wait_until(lambda: kernel_id not in listed(),
               f"kernel {kernel_id} still listed after the page was closed",
               lambda: hub.log_tail(5000))
    assert refused_shutdowns(hub.log_tail(5000), kernel_id) == []
    assert failed == []
    context.close()
