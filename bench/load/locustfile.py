"""The mix of the load test (bench/load_test.py starts it; see the docstring there).

Four kinds of caller, in proportions meant to look like a working morning:
- liaisons (API, token; the HTML inbox with a session): read their unit's inbox, open a notice, sign for one and
  reply to it;
- clerks (API, token): list notices, open cases, file a new notice (draft);
- the public (no login): search the dishonest-debtor list by a name prefix or an exact identifier; each simulated
  visitor comes from its own address (X-Forwarded-For behind the one trusted proxy), as the rate limit sees it;
- a screening upload now and then: 100 applicants, some of them listed.
Each user's requests arrive as a Poisson process of LINKAGE_LOAD_RATE a second (poisson_pacing), so the offered load
is one Poisson stream of users × LINKAGE_LOAD_RATE requests/s, as from independent people.
The users are FastHttpUsers (geventhttpclient): locust shares the machine's 2 cores with the server it measures, and
this client costs it a fraction of the CPU of the requests-based one.
"""

import json
import os
import random
import time
from urllib.parse import quote

from locust import FastHttpUser, constant_throughput, events, task

WORLD = json.loads(open(os.environ["LINKAGE_LOAD_WORLD"], encoding="utf-8").read())
RATE = float(os.environ.get("LINKAGE_LOAD_RATE", "5"))
ITEMS = [{"property_kind": "bank_account", "identifier": "6222000011112222", "holder": "工商银行荔湾支行",
          "amount": "150000", "description": "查询被执行人名下银行账户及存款余额"}]


# With LINKAGE_LOAD_TRACE set (bench/load_test.py --trace), every request's start, endpoint and response time go to
# that file when locust quits: which requests were slow, and when.
TRACE_PATH = os.environ.get("LINKAGE_LOAD_TRACE")
TRACE = []

if TRACE_PATH:
    @events.request.add_listener
    def _trace(request_type, name, response_time, start_time=None, **kwargs):
        TRACE.append((start_time or time.time() - response_time / 1000, name, response_time))

    @events.quitting.add_listener
    def _write_trace(environment, **kwargs):
        with open(TRACE_PATH, "w", encoding="utf-8") as stream:
            stream.writelines(f"{start:.4f}\t{name}\t{elapsed:.1f}\n" for start, name, elapsed in TRACE)


def poisson_pacing(rate):
    """A wait_time giving each user Poisson arrivals at `rate` per second: exponential gaps, counted from the user's
    own schedule rather than from its last response, so a slow response does not lower the offered rate (as with
    locust's constant_throughput), and a user that fell behind starts again from now instead of bursting to catch up.

    Not constant_throughput: that keeps each user's phase from its start for good, and users spawned within a second
    then fire in step for the whole stage (seen: a third of all requests started within the same 20 ms of each 400 ms
    cycle, and queued behind one another). Independent people do not synchronise."""
    def wait_time(user):
        now = time.monotonic()
        arrival = max(getattr(user, "_next_arrival", now) + random.expovariate(rate), now)
        user._next_arrival = arrival
        return arrival - now
    return wait_time


# LINKAGE_LOAD_PACING=constant (load_test.py --pacing constant) gives back locust's constant_throughput, the model of
# the reports before 2026-11-25, for comparison.
pacing = constant_throughput if os.environ.get("LINKAGE_LOAD_PACING") == "constant" else poisson_pacing


def _address():
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


class Liaison(FastHttpUser):
    weight = 5
    wait_time = pacing(RATE)

    def on_start(self):
        self.unit = random.choice(WORLD["liaisons"])
        self.headers = {"Authorization": f"Token {self.unit['token']}", "X-Forwarded-For": _address()}

    @task(6)
    def inbox(self):
        self.client.get("/api/v1/notices/?state=served&page_size=20", name="liaison: inbox (served)",
                        headers=self.headers)

    @task(2)
    def inbox_page(self):
        """The HTML inbox, as a liaison in a browser opens it (session cookie; issue 18 adds it to the mix)."""
        self.client.get("/inbox/", name="liaison: inbox page (HTML)",
                        headers={"Cookie": self.unit["session"], "X-Forwarded-For": self.headers["X-Forwarded-For"]})

    @task(3)
    def notice(self):
        self.client.get(f"/api/v1/notices/{random.choice(self.unit['notices'])}/", name="liaison: notice detail",
                        headers=self.headers)

    @task(1)
    def acknowledge_and_reply(self):
        """Sign for a served notice and reply to it; a unit with none served replies to one it signed for."""
        if self.unit["served"]:
            notice = self.unit["served"].pop()
            with self.client.post(f"/api/v1/notices/{notice}/acknowledge/", json={}, name="liaison: acknowledge",
                                  headers=self.headers, catch_response=True) as response:
                if response.status_code == 409:  # another simulated liaison of the unit took it first
                    response.success()
                    return
        elif self.unit["acknowledged"]:
            notice = self.unit["acknowledged"].pop()
        else:
            return
        with self.client.post(f"/api/v1/notices/{notice}/reply/", name="liaison: reply", catch_response=True,
                              headers=self.headers,
                              json={"outcome": "not_found", "text": "经查询，未发现被执行人名下存款。"}) as response:
            if response.status_code == 409:
                response.success()


class Clerk(FastHttpUser):
    weight = 2
    wait_time = pacing(RATE)

    def on_start(self):
        self.headers = {"Authorization": f"Token {WORLD['clerk_token']}", "X-Forwarded-For": _address()}

    @task(4)
    def notices(self):
        self.client.get("/api/v1/notices/?page_size=20", name="clerk: notice list", headers=self.headers)

    @task(2)
    def case(self):
        self.client.get(f"/api/v1/cases/{random.choice(WORLD['cases'])['id']}/", name="clerk: case detail",
                        headers=self.headers)

    @task(1)
    def file_notice(self):
        case = random.choice(WORLD["cases"])
        self.client.post("/api/v1/notices/", name="clerk: file notice (draft)", headers=self.headers, json={
            "case": case["id"], "unit": random.choice(WORLD["unit_codes"]), "measure": "inquiry",
            "debtor": case["debtor"], "items": ITEMS, "ruling_number": "（2026）粤0103执1号之一",
        })


class Public(FastHttpUser):
    weight = 4
    wait_time = pacing(RATE)

    # Every search comes from a new visitor's address: one simulated user stands for many members of the public, and
    # the per-address rate limit (20 a minute) is meant for one person, not for the crowd.

    @task(3)
    def by_name(self):
        name = random.choice(WORLD["surnames"]) + random.choice(WORLD["given_names"])[:1]
        self.client.get(f"/api/v1/public/debtors/?name={name}", name="public: search by name",
                        headers={"X-Forwarded-For": _address()})

    @task(2)
    def by_identifier(self):
        # A resident ID number is answered only with the exact name (issue 17 item 4).
        number, debtor = random.choice(WORLD["identified"])
        self.client.get(f"/api/v1/public/debtors/?id_number={number}&name={quote(debtor)}",
                        name="public: search by ID number", headers={"X-Forwarded-For": _address()})


class Screening(FastHttpUser):
    weight = 1
    wait_time = pacing(RATE / 10)

    def on_start(self):
        self.headers = {"Authorization": f"Token {random.choice(WORLD['liaisons'])['token']}",
                        "X-Forwarded-For": _address()}

    @task
    def upload(self):
        applicants = [{"name": "某某", "id_number": identifier} for identifier in random.sample(WORLD["applicants"], 100)]
        self.client.post("/api/v1/screenings/", json={"applicants": applicants}, name="liaison: screening of 100",
                         headers=self.headers)
