"""Writes the growth sample files (features, subscriptions, feature_used events) for the 60 made-up accounts in
accounts.csv and usage.csv. Deterministic (fixed seed). Run from the repository root:
    python3 samples/own-data/gen_growth.py
"""
import csv
import datetime as dt
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
R = random.Random(20261205)

FEATURES = [  # name, requires, min_plan, key
    ("Dashboards", "", "starter", "no"),
    ("Reports", "Dashboards", "starter", "no"),
    ("Integrations", "", "starter", "yes"),
    ("SSO", "", "pro", "yes"),
    ("Workflows", "Dashboards", "pro", "yes"),
    ("Automations", "Workflows", "pro", "no"),
    ("Audit log", "SSO", "enterprise", "no"),
    ("SCIM provisioning", "SSO", "enterprise", "no"),
]
PLAN_OF_TIER = {"Platinum": "enterprise", "Gold": "pro", "Silver": "pro", "Bronze": "starter"}
RANK = {"starter": 0, "pro": 1, "enterprise": 2}
PATHS = {
    "Healthcare": ["Dashboards", "SSO", "Audit log", "Reports", "Workflows", "SCIM provisioning", "Integrations", "Automations"],
    "Finance": ["Dashboards", "SSO", "Reports", "Audit log", "SCIM provisioning", "Workflows", "Integrations", "Automations"],
    "Manufacturing": ["Dashboards", "Workflows", "Automations", "Reports", "Integrations", "SSO", "Audit log", "SCIM provisioning"],
    "Retail": ["Dashboards", "Integrations", "Reports", "Workflows", "SSO", "Automations", "Audit log", "SCIM provisioning"],
    "Software": ["Integrations", "Dashboards", "Workflows", "Automations", "SSO", "Reports", "Audit log", "SCIM provisioning"],
}


def read(name):
    with open(os.path.join(HERE, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


accounts = read("accounts.csv")
usage = read("usage.csv")
active_users = {}
for u in usage:
    active_users.setdefault(u["account_id"], {})[u["month"]] = int(u["active_users"])

with open(os.path.join(HERE, "features.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["name", "requires", "min_plan", "key"])
    w.writerows(FEATURES)

requires = {n: [r for r in req.split(";") if r] for n, req, _, _ in FEATURES}
min_plan = {n: p for n, _, p, _ in FEATURES}
start = dt.date(2025, 11, 1)
end = dt.date(2026, 11, 20)
subscriptions, events = [], []
for a in accounts:
    plan = PLAN_OF_TIER[a["tier"]]
    seats, arr = int(a["seats"]), float(a["arr"])
    signup = dt.date.fromisoformat(a["signup_date"])
    churned = a["status"] == "churned"
    last = dt.date.fromisoformat(a["churned_on"]) if churned else end
    # Subscription history: a third of the active accounts expanded (seats, sometimes the plan) in the last year.
    if not churned and R.random() < 0.35:
        when = start + dt.timedelta(days=R.randint(60, 360))
        before_seats = max(5, round(seats * R.uniform(0.6, 0.85)))
        before_plan = plan if R.random() < 0.7 or plan == "starter" else ("pro" if plan == "enterprise" else "starter")
        subscriptions.append([a["id"], signup.isoformat(), before_plan, before_seats, round(arr * before_seats / seats, 2)])
        subscriptions.append([a["id"], when.isoformat(), plan, seats, arr])
    else:
        subscriptions.append([a["id"], signup.isoformat(), plan, seats, arr])
    # Adoption: the industry's path, as far as the plan allows; churned accounts stall early.
    path = [x for x in PATHS[a["industry"]] if RANK[min_plan[x]] <= RANK[plan]]
    keep = R.randint(1, 3) if churned else R.randint(2, len(path))
    day = max(signup, start - dt.timedelta(days=200)) + dt.timedelta(days=R.randint(0, 40))
    used = []
    for n, feature in enumerate(path[:keep]):
        if any(r not in used for r in requires[feature]) or day > last:
            continue
        used.append(feature)
        month = max(day, start).strftime("%Y-%m")
        users = max(1, min(active_users.get(a["id"], {}).get(month, 5), R.randint(2, 12)))
        at = dt.datetime.combine(day, dt.time(10, 0)).replace(tzinfo=dt.timezone.utc)
        events.append(["feature_used", f"fe-{a['id']}-{n}", a["id"], feature, users, at.isoformat().replace("+00:00", "Z")])
        day += dt.timedelta(days=R.randint(20, 120))

with open(os.path.join(HERE, "subscriptions.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["account_id", "date", "plan", "seats", "arr"])
    w.writerows(subscriptions)

with open(os.path.join(HERE, "feature-events.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["type", "id", "account_id", "feature", "users", "at"])
    w.writerows(events)

print(f"{len(FEATURES)} features, {len(subscriptions)} subscription rows, {len(events)} feature events")
