"""Seeded generator of realistic synthetic school evidence files (about 400 lines each).

File *i* depends only on the seed and *i*, so it is identical on every run, on
every machine and in parallel. Files are written as text, not with
``yaml.dump``, so they look hand-made: header comments, block mappings for the
major records, one-line flow mappings for roster-like lists, unquoted ISO
dates, a quoted school code. Quality varies from school to school (a Beta-drawn
``quality``): weaker schools miss meetings, documents, clauses and records, so
every indicator sometimes fails. Every file is VALID against the evidence
schema; a few schools carry a veto (an overdue election, an incident).

    python benchmarks/generate.py --count 1000 --out benchmarks/data/1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

SEED = 20250901
PER_FOLDER = 1000

REGIONS = [
    ("浙江省", "杭州市", [("330106", "西湖区"), ("330108", "滨江区"), ("330110", "余杭区")]),
    ("陕西省", "安康市", [("610924", "石泉县"), ("610902", "汉滨区"), ("610921", "汉阴县")]),
    ("四川省", "绵阳市", [("510703", "涪城区"), ("510704", "游仙区"), ("510722", "三台县")]),
    ("河南省", "洛阳市", [("410302", "老城区"), ("410311", "洛龙区"), ("410323", "新安县")]),
    ("广东省", "韶关市", [("440203", "武江区"), ("440204", "浈江区"), ("440222", "始兴县")]),
]
TYPES = [("primary", "小学", 0.45), ("junior", "初级中学", 0.2), ("nine_year", "九年一贯制学校", 0.15),
         ("senior", "高级中学", 0.1), ("complete", "完全中学", 0.1)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "明华建国平军伟芳娟敏静丽强磊洋艳勇杰涛超秀霞刚桂英玉兰辉鹏红梅晨曦思源文博嘉怡子涵雨欣浩然"
PLACES = ["党员活动室", "学校会议室", "行政楼三楼会议室", "图书馆报告厅", "校史馆"]
STUDY = [
    "学习贯彻党的二十届三中全会精神",
    "学习《中国共产党纪律处分条例》",
    "学习习近平总书记关于教育的重要论述",
    "学习《关于建立中小学校党组织领导的校长负责制的意见（试行）》",
    "学习全国教育大会精神",
    "学习《教育强国建设规划纲要（2024—2035年）》",
    "学习新时代中小学教师职业行为十项准则",
    "学习《中国共产党支部工作条例（试行）》",
]
LECTURES = ["坚定理想信念，做新时代的大先生", "以党建引领学校高质量发展", "弘扬教育家精神，落实立德树人根本任务",
            "深入学习党纪，守牢廉洁底线", "传承红色基因，讲好思政课"]
THEME_DAYS = ["重温入党誓词", "走进革命纪念馆", "党员志愿服务进社区", "学习身边榜样", "清廉校园主题学习",
              "红色经典诵读", "党员先锋岗承诺践诺", "开展关爱留守儿童活动", "参观乡村振兴示范点"]
DECISIONS = [
    ("major_matter", "学校年度工作计划和发展规划", None),
    ("project", "新建学生食堂改造工程", 380000),
    ("large_sum", "采购教学信息化设备", 126000),
    ("appointment", "中层干部调整任用", None),
    ("personnel", "年度教师职称推荐", None),
    ("major_matter", "学校章程修订", None),
    ("project", "校园安全监控系统升级", 68000),
    ("personnel", "新教师招聘方案", None),
]
CHECKLIST = ["sign", "flag", "oath_wall", "rules_wall", "member_board", "books", "media", "archive", "equipment",
             "honours"]
OUTPUTS = ["experience", "video", "compilation", "platform"]
OPTIONAL_SECTIONS = ("leadership", "decisions", "recruitment", "talks", "appraisal", "channels", "material_reviews",
                     "staff", "cultivation", "facility", "outcomes")

PERIOD_START = dt.date(2024, 9, 1)
PERIOD_END = dt.date(2025, 8, 31)
TERMS = [(dt.date(2024, 9, 2), dt.date(2025, 1, 17)), (dt.date(2025, 2, 17), dt.date(2025, 7, 4))]
MONTHS = [(2024, m) for m in range(9, 13)] + [(2025, m) for m in range(1, 9)]


class School:
    """One school's evidence, built line by line."""

    def __init__(self, i: int, seed: int) -> None:
        self.i = i
        self.rng = random.Random(seed ^ (i * 2654435761))
        self.quality = self.rng.betavariate(2.6, 1.3)
        self.lines: list[str] = []
        self.used_names: set[str] = set()

    # ------------------------------------------------------------ helpers
    def miss(self, p: float) -> bool:
        """True with a probability that grows as the school's quality falls."""
        return self.rng.random() < p * (1.3 - self.quality) * 3.5

    def name(self) -> str:
        rng = self.rng
        while True:
            n = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            if n not in self.used_names:
                self.used_names.add(n)
                return n

    def day_in(self, year: int, month: int, lo: int = 1, hi: int = 28) -> dt.date:
        return dt.date(year, month, self.rng.randint(lo, hi))

    def out(self, text: str = "") -> None:
        self.lines.append(text)

    @staticmethod
    def flow(items: dict[str, object]) -> str:
        parts = []
        for k, v in items.items():
            if v is None:
                continue
            if isinstance(v, bool):
                v = "true" if v else "false"
            elif isinstance(v, list):
                v = "[" + ", ".join(str(x) for x in v) + "]"
            parts.append(f"{k}: {v}")
        return "{" + ", ".join(parts) + "}"

    # ------------------------------------------------------------ sections
    def build(self) -> str:
        rng = self.rng
        province, city, counties = REGIONS[self.i % len(REGIONS)]
        county_code, county = counties[(self.i // len(REGIONS)) % len(counties)]
        kind, suffix = rng.choices([(t, s) for t, s, _ in TYPES], weights=[w for *_, w in TYPES])[0]
        self.kind = kind
        self.school_name = f"{city}{county}第{self.i % 97 + 1}{suffix}"
        self.code = f"{county_code}-{self.i:05d}"
        self.out(f"# {self.school_name} 党建\"双创\"工作证据台账（2024—2025学年）")
        self.out(f"# 由党支部组织委员整理，数据截至 {PERIOD_END.isoformat()}；人员以编号代替姓名。")
        self.out("schema_version: 1")
        self.out()
        self.out("period:")
        self.out("  kind: school_year")
        self.out(f"  start: {PERIOD_START}")
        self.out(f"  end: {PERIOD_END}")
        self.out("  terms:")
        for a, b in TERMS:
            self.out(f"    - {{start: {a}, end: {b}}}")
        self.out()
        staff = rng.randint(45, 180)
        self.staff = staff
        self.out("school:")
        self.out(f"  code: \"{self.code}\"")
        self.out(f"  name: {self.school_name}")
        self.out(f"  type: {kind}")
        self.out(f"  province: {province}")
        self.out(f"  city: {city}")
        self.out(f"  county: {county}")
        self.out(f"  staff_total: {staff}")
        self.out(f"  students: {staff * rng.randint(12, 18)}")
        self.out()
        # Weaker schools leave whole sections out: their indicators become "insufficient evidence".
        self.skip = {name for name in OPTIONAL_SECTIONS if self.miss(0.05)}
        self.organization()
        self.leadership()
        self.members()
        self.meetings()
        self.documents()
        self.decisions()
        self.cadres()
        self.recruitment()
        self.activities()
        self.talks()
        self.tail()
        return "\n".join(self._without_skipped()) + "\n"

    def _without_skipped(self) -> list[str]:
        kept, section = [], ""
        for line in self.lines:
            if line[:1].isalpha():
                section = line.split(":", 1)[0]
            if section not in self.skip:
                kept.append(line)
        return kept

    def organization(self) -> None:
        rng = self.rng
        n = max(8, min(52, int(rng.gauss(0.15 * self.staff + 8, 5))))
        prob = rng.randint(0, 2)
        self.n_members, self.n_prob = n, prob
        total = n + prob
        kind = "branch" if total < 50 else "general_branch"
        if self.miss(0.03):
            kind = "general_branch" if kind == "branch" else "branch"
        self.out("organization:")
        self.out(f"  type: {kind}")
        label = {"branch": "党支部", "general_branch": "党总支"}[kind]
        self.out(f"  name: 中共{self.school_name}{label}")
        self.out(f"  formal_members: {n}")
        self.out(f"  probationary_members: {prob}")
        self.out(f"  established: {dt.date(rng.randint(1985, 2012), rng.randint(1, 12), rng.randint(1, 28))}")
        year = rng.choice((2022, 2023, 2023, 2024, 2024))
        overdue = self.miss(0.02)
        if overdue:
            year = 2021
        election = self.day_in(year, rng.randint(3, 12))
        self.out("  last_election:")
        self.out(f"    date: {election}")
        voted = n if not self.miss(0.05) else int(n * 0.75)
        self.out(f"    entitled: {n}")
        self.out(f"    voted: {voted}")
        self.out(f"    approved: {'false' if self.miss(0.04) else 'true'}")
        if overdue and not self.miss(0.5):
            self.out("  extension:")
            self.out("    approved: true")
            self.out(f"    until: {dt.date(year + 4, 6, 30)}")
        self.out(f"  secretary_is_principal: {'true' if rng.random() < 0.3 else 'false'}")
        roles = ["secretary", "deputy_secretary", "organization", "propaganda", "discipline"]
        if n < 25:
            roles.remove("deputy_secretary")
        if self.miss(0.06):
            roles.remove(rng.choice(roles[1:]))
        self.committee = [f"M{k + 1:03d}" for k in range(len(roles))]
        self.roles = dict(zip(self.committee, roles, strict=True))
        self.out("  committee:")
        for mid, role in self.roles.items():
            approved = None if role == "secretary" and self.miss(0.03) else self.day_in(year, 12, 1, 28)
            self.out(f"    - {self.flow({'id': mid, 'role': role, 'approved': approved})}")
        groups = 0 if n < 15 else 2
        self.groups = [f"G{k + 1}" for k in range(groups)]
        if groups:
            self.out("  party_groups:")
            base, extra = divmod(n + prob, groups)
            for k, gid in enumerate(self.groups):
                size = base + (1 if k < extra else 0)
                if self.miss(0.02):
                    size = 2
                self.out(f"    - {self.flow({'id': gid, 'members': size, 'formal_members': max(1, size - 1)})}")
        self.out()

    def leadership(self) -> None:
        rng = self.rng
        if "leadership" in self.skip:
            return
        self.out("leadership:")
        posts = ["secretary", "principal", "vice_principal", "vice_principal", "discipline", "union_chair"]
        for k, post in enumerate(posts[: rng.randint(4, 6)]):
            member = post != "vice_principal" or rng.random() < 0.8
            on_body = member and not self.miss(0.05)
            self.out(f"  - {self.flow({'id': f'L{k + 1:02d}', 'post': post, 'party_member': member, 'on_party_body': on_body})}")
        self.out()

    def members(self) -> None:
        rng = self.rng
        self.out("# 党员名册（按党员编号排列）")
        self.out("members:")
        total = self.n_members + self.n_prob
        self.member_ids = [f"M{k + 1:03d}" for k in range(total)]
        for k, mid in enumerate(self.member_ids):
            role = self.roles.get(mid, "member")
            need = 32 if role == "member" else 56
            hours = need + rng.randint(0, 20) if not self.miss(0.008) else need - rng.randint(4, 16)
            pioneer = rng.random() < 0.45
            row: dict[str, object] = {
                "id": mid,
                "status": "probationary" if k >= self.n_members else "formal",
                "role": role,
                "study_hours": hours,
            }
            if role == "secretary":
                row["centralized_sessions"] = 0 if self.miss(0.05) else rng.randint(1, 3)
            row["dues_unpaid_months"] = 0 if not self.miss(0.004) else rng.randint(1, 4)
            row["dues_rate_ok"] = not self.miss(0.003)
            row["pioneer_post"] = pioneer
            if pioneer:
                row["post_pledge"] = not self.miss(0.01)
                row["post_reviewed"] = not self.miss(0.01)
            self.out(f"  - {self.flow(row)}")
        self.out()

    def _attendance(self, expected: int, line: float, strict: bool) -> int:
        if self.miss(0.006):
            return max(0, int(expected * line) - 1)
        lo = int(expected * line) + 1
        return self.rng.randint(min(lo, expected), expected)

    def meetings(self) -> None:
        rng = self.rng
        self.meeting_dates: dict[str, dt.date] = {}
        self.party_org_ids: list[str] = []
        self.office_ids: list[str] = []
        n = self.n_members + self.n_prob
        seats = len(self.committee)
        self.out("meetings:")
        self.out("  # 校长办公会（一行一次，格式同学校会议登记表）")
        for k in range(rng.randint(17, 20)):
            y, mo = MONTHS[(k * 12) // 22]
            day = self.day_in(y, mo, 2, 26)
            if (y, mo) in ((2025, 8),):
                day = self.day_in(2025, 7, 2, 10)
            mid = f"XZ{k + 1:02d}"
            self.office_ids.append(mid)
            self.meeting_dates[mid] = day
            exp = rng.randint(7, 11)
            self.out(f"  - {self.flow({'id': mid, 'kind': 'principal_office', 'date': day, 'expected': exp, 'present': self._attendance(exp, 0.5, True), 'place': '会议室', 'chair': '校长', 'recorder': '办公室主任', 'absentees_recorded': True, 'minutes': True})}")
        self.out("  # 党组织会议（党支部委员会会议研究学校重大事项）")
        for k, (y, mo) in enumerate(MONTHS[:11]):
            if self.miss(0.04):
                continue
            day = self.day_in(y, mo, 5, 27)
            mid = f"DZ{k + 1:02d}"
            self.party_org_ids.append(mid)
            self.meeting_dates[mid] = day
            agenda = [] if self.miss(0.03) else ["first_topic"]
            if k in (1, 7) and not self.miss(0.1):
                agenda.append("moral_education")
            if k in (2, 8) and not self.miss(0.1):
                agenda.append("mass_organizations")
            if k in (3, 9):
                agenda.append("cadre")
            exp = seats + rng.randint(2, 4)
            line = 0.6667 if "cadre" in agenda else 0.5
            row = {"id": mid, "kind": "party_org", "date": day, "expected": exp,
                   "present": self._attendance(exp, line, True), "place": rng.choice(PLACES), "chair": "党组织书记",
                   "recorder": None if self.miss(0.02) else "组织委员", "absentees_recorded": not self.miss(0.02),
                   "minutes": not self.miss(0.02), "agenda": agenda}
            self.out(f"  - {self.flow(row)}")
        self.out("  # 支部委员会会议")
        for k, (y, mo) in enumerate(MONTHS):
            if self.miss(0.02):
                continue
            day = self.day_in(y, mo)
            mid = f"ZW{k + 1:02d}"
            self.meeting_dates[mid] = day
            agenda = [] if self.miss(0.03) else ["first_topic"]
            self.out(f"  - {self.flow({'id': mid, 'kind': 'branch_committee', 'date': day, 'expected': seats, 'present': self._attendance(seats, 0.5, True), 'place': '党员活动室', 'chair': '书记', 'recorder': '组织委员', 'absentees_recorded': True, 'minutes': not self.miss(0.02), 'agenda': agenda})}")
        self.out("  # 支部党员大会")
        for k, (y, mo) in enumerate(((2024, 9), (2024, 12), (2025, 3), (2025, 6))):
            if self.miss(0.05):
                continue
            day = self.day_in(y, mo)
            mid = f"DH{k + 1}"
            self.meeting_dates[mid] = day
            self.out(f"  - id: {mid}")
            self.out("    kind: branch_general")
            self.out(f"    date: {day}")
            self.out(f"    expected: {n}")
            self.out(f"    present: {self._attendance(n, 0.5, True)}")
            self.out(f"    place: {rng.choice(PLACES)}")
            self.out("    chair: 书记")
            self.out("    recorder: 组织委员")
            self.out("    absentees_recorded: true")
            self.out("    minutes: true")
            if k % 2 == 0:
                self.out("    topic: >")
                self.out(f"      {rng.choice(STUDY)}，")
                self.out("      通报支部工作情况并讨论下一阶段任务")
            else:
                self.out(f"    topic: {rng.choice(STUDY)}")
        self.out("  # 党课")
        for k, (y, mo) in enumerate(((2024, 10), (2025, 1), (2025, 4), (2025, 7))):
            if self.miss(0.05):
                continue
            day = self.day_in(y, mo, 1, 15)
            speaker = "secretary" if k == 0 and not self.miss(0.1) else rng.choice(["deputy_secretary", "member", "guest"])
            self.out(f"  - {self.flow({'id': f'DK{k + 1}', 'kind': 'party_lecture', 'date': day, 'expected': n, 'present': max(1, n - rng.randint(0, 4)), 'place': rng.choice(PLACES), 'chair': '书记', 'recorder': '宣传委员', 'absentees_recorded': True, 'minutes': True, 'speaker_role': speaker, 'topic': rng.choice(LECTURES)})}")
        self.out("  # 主题党日（每月）")
        for k, (y, mo) in enumerate(MONTHS):
            if self.miss(0.02):
                continue
            day = self.day_in(y, mo)
            present = n - rng.randint(0, max(1, n // 12)) if not self.miss(0.008) else int(n * 0.8)
            self.out(f"  - {self.flow({'id': f'ZT{k + 1:02d}', 'kind': 'theme_day', 'date': day, 'expected': n, 'present': present, 'place': rng.choice(PLACES), 'chair': '书记', 'recorder': '宣传委员', 'absentees_recorded': True, 'minutes': True, 'topic': rng.choice(THEME_DAYS)})}")
        if self.groups:
            self.out("  # 党小组会")
            for gid in self.groups:
                for k, (y, mo) in enumerate(MONTHS):
                    if self.miss(0.01):
                        continue
                    self.out(f"  - {self.flow({'id': f'{gid}-{k + 1:02d}', 'kind': 'party_group', 'date': self.day_in(y, mo), 'expected': 8, 'present': rng.randint(6, 8), 'group': gid, 'place': '教研室', 'chair': '组长', 'recorder': '党员', 'absentees_recorded': True, 'minutes': True})}")
        self.out("  # 其他会议")
        singles = [("ZS1", "life_meeting", dt.date(2025, 1, rng.randint(8, 16)), ["criticism"]),
                   ("YS1", "ideology", self.day_in(2024, 10), ["ideology"]),
                   ("YS2", "ideology", self.day_in(2025, 4), ["ideology"]),
                   ("YQ1", "opinion_analysis", self.day_in(2024, 11), []),
                   ("YQ2", "opinion_analysis", self.day_in(2025, 5), []),
                   ("JD1", "staff_congress", self.day_in(2025, 3), ["principal_report"]),
                   ("SZ1", "secretary_report", dt.date(2025, 1, rng.randint(5, 20)), [])]
        self.life_date = singles[0][2]
        for mid, kind, day, agenda in singles:
            if kind != "life_meeting" and self.miss(0.05):
                continue
            exp = self.staff if kind == "staff_congress" else n
            present = exp - rng.randint(0, max(1, exp // 10))
            if kind not in ("life_meeting", "staff_congress"):
                self.out(f"  - {self.flow({'id': mid, 'kind': kind, 'date': day, 'expected': exp, 'present': present, 'place': rng.choice(PLACES), 'chair': '书记', 'recorder': '组织委员', 'absentees_recorded': True, 'minutes': not self.miss(0.02), 'agenda': agenda})}")
                continue
            self.out(f"  - id: {mid}")
            self.out(f"    kind: {kind}")
            self.out(f"    date: {day}")
            self.out(f"    expected: {exp}")
            self.out(f"    present: {present}")
            self.out(f"    place: {rng.choice(PLACES)}")
            self.out("    chair: 书记")
            self.out("    recorder: 组织委员")
            self.out("    absentees_recorded: true")
            self.out(f"    minutes: {'false' if self.miss(0.02) else 'true'}")
            self.out(f"    agenda: [{', '.join(agenda)}]")
        self.out()

    def documents(self) -> None:
        rng = self.rng
        specs: list[tuple[str, str, list[str], bool]] = [
            ("charter", "学校章程", ["party_led_principal_system", "party_org_duties"], False),
            ("party_meeting_rules", "党组织会议议事规则",
             ["scope", "secretary_convenes", "quorum_half", "quorum_two_thirds_cadre", "non_voting_attendance",
              "recusal", "minutes"], False),
            ("principal_meeting_rules", "校长办公会议议事规则",
             ["principal_convenes", "membership", "quorum_half", "principal_sets_agenda", "drafts_party_proposals",
              "implements_resolutions"], False),
            ("three_majors_list", "三重一大事项清单", [], False),
            ("responsibility_list", "党建工作责任清单", [], False),
            ("annual_plan", "2024—2025学年党建工作计划", [], False),
            ("ideology_responsibility", "意识形态工作责任制实施办法", ["secretary_first_responsible"], False),
            ("moral_education_plan", "德育工作计划", [], True),
            ("development_plan", "学校五年发展规划", ["party_building_chapter"], False),
            ("assessment_scheme", "教职工年度考核方案", ["party_metrics"], False),
            ("brand_plan", "党建品牌创建方案", [], False),
            ("mass_org_plans", "工会、共青团、少先队年度计划", [], True),
            ("rules_three_meetings", "三会一课制度", [], False),
            ("rules_theme_day", "主题党日制度", [], False),
            ("rules_life_meeting", "组织生活会制度", [], False),
            ("rules_appraisal", "民主评议党员制度", [], False),
            ("rules_talks", "谈心谈话制度", [], False),
            ("rules_recruitment", "发展党员工作细则", [], False),
            ("rules_dues", "党费收缴管理办法", [], False),
            ("rules_disclosure", "党务公开制度", [], False),
            ("archive_index", "党建档案目录", [], False),
            ("integrity_letters", "党风廉政建设责任书", ["all_leaders"], False),
        ]
        self.out("documents:")
        for k, (kind, title, clauses, approval) in enumerate(specs):
            if self.miss(0.035):
                continue
            kept = [c for c in clauses if not self.miss(0.02)]
            if kind == "charter":
                adopted = dt.date(rng.choice((2021, 2022, 2023, 2023, 2024)), rng.randint(3, 12), rng.randint(1, 28))
            elif kind == "annual_plan":
                adopted = dt.date(2024, 9, rng.randint(5, 28)) if not self.miss(0.05) else dt.date(2024, 12, 20)
            else:
                adopted = dt.date(rng.randint(2019, 2024), rng.randint(1, 12), rng.randint(1, 28))
            reviewed = None
            if kind.startswith("rules_") or kind == "archive_index":
                if not self.miss(0.05):
                    reviewed = dt.date(rng.randint(2023, 2025), rng.randint(1, 6), rng.randint(1, 28))
            row: dict[str, object] = {"id": f"D{k + 1:02d}", "kind": kind, "title": title, "adopted": adopted,
                                      "reviewed": reviewed}
            if approval:
                row["approved_by_party"] = not self.miss(0.05)
            if kept:
                row["clauses"] = kept
            self.out(f"  - {self.flow(row)}")
        self.out()

    def decisions(self) -> None:
        rng = self.rng
        self.out("# 决策事项（三重一大）")
        self.out("decisions:")
        chosen = rng.sample(DECISIONS, rng.randint(2, 4))
        if "decisions" in self.skip:
            self.lines[-2:] = []
            return
        for k, (category, title, amount) in enumerate(chosen):
            meeting = rng.choice(self.party_org_ids[1:] or self.party_org_ids) if self.party_org_ids else None
            mday = self.meeting_dates[meeting] if meeting else PERIOD_START
            earlier = [m for m in self.office_ids if self.meeting_dates[m] < mday]
            proposal = earlier[-1] if earlier and not self.miss(0.05) else None
            self.out(f"  - id: JC{k + 1:02d}")
            self.out(f"    title: {title}")
            self.out("    major: true")
            self.out(f"    category: {category}")
            if amount:
                self.out(f"    amount_yuan: {amount}")
            method = "meeting" if not self.miss(0.03) else "circulation"
            self.out(f"    method: {method}")
            if meeting and not self.miss(0.02):
                self.out(f"    meeting: {meeting}")
            if proposal:
                self.out(f"    proposal_meeting: {proposal}")
            if not self.miss(0.04):
                self.out(f"    communicated: {mday - dt.timedelta(days=rng.randint(1, 5))}")
            if category == "appointment" and not self.miss(0.05):
                self.out(f"    deliberated: {mday - dt.timedelta(days=rng.randint(2, 8))}")
            if not self.miss(0.04):
                self.out(f"    implementation_plan: {mday + dt.timedelta(days=rng.randint(3, 20))}")
            if not self.miss(0.03):
                self.out(f"    owner: {rng.choice(['分管副校长', '办公室主任', '总务处主任', '教务处主任'])}")
            done = mday < dt.date(2025, 5, 1)
            if not self.miss(0.03):
                deadline = mday + dt.timedelta(days=rng.randint(30, 120))
                if not done and deadline < dt.date(2026, 1, 15):
                    deadline = dt.date(2026, 1, rng.randint(15, 30)) if not self.miss(0.03) else deadline
                self.out(f"    deadline: {deadline}")
            self.out(f"    status: {'done' if done else 'open'}")
            if done:
                self.out(f"    feedback: {'false' if self.miss(0.04) else 'true'}")
            if category == "personnel":
                self.out(f"    political_review: {'false' if self.miss(0.05) else 'true'}")
        self.out()

    def cadres(self) -> None:
        rng = self.rng
        cadre_meetings = [m for m in self.party_org_ids if m in ("DZ04", "DZ10")]
        if not cadre_meetings:
            return
        self.out("cadre_appointments:")
        for k, meeting in enumerate(cadre_meetings):
            mday = self.meeting_dates[meeting]
            nominated = mday - dt.timedelta(days=rng.randint(15, 30))
            assessed = mday - dt.timedelta(days=rng.randint(3, 10))
            notice = mday + dt.timedelta(days=rng.randint(1, 3))
            days = 5 if not self.miss(0.05) else 3
            self.out(f"  - {self.flow({'id': f'GB{k + 1}', 'nominated': nominated, 'assessed': assessed, 'meeting': meeting, 'notice_start': notice, 'notice_days': days})}")
        self.out()

    def recruitment(self) -> None:
        rng = self.rng
        if "recruitment" in self.skip:
            return
        self.out("recruitment:")
        for k in range(rng.randint(1, 2)):
            applied = dt.date(rng.choice((2022, 2023)), rng.randint(2, 11), rng.randint(1, 28))
            activist = applied + dt.timedelta(days=rng.randint(60, 120))
            target = activist + dt.timedelta(days=rng.randint(370, 420) if not self.miss(0.04) else 300)
            admitted = target + dt.timedelta(days=rng.randint(60, 120))
            self.out(f"  - id: FZ{k + 1:02d}")
            self.out(f"    age_at_application: {rng.randint(23, 45)}")
            self.out(f"    applied: {applied}")
            self.out(f"    talked: {applied + dt.timedelta(days=rng.randint(5, 25) if not self.miss(0.04) else 45)}")
            self.out(f"    activist: {activist}")
            self.out(f"    mentors: {rng.choice((1, 2))}")
            self.out(f"    reviews: {rng.randint(3, 5)}")
            self.out(f"    target: {target}")
            self.out(f"    training_hours: {24 + rng.randint(0, 12) if not self.miss(0.04) else 16}")
            self.out(f"    sponsors: {2 if not self.miss(0.02) else 1}")
            self.out(f"    political_review: {'false' if self.miss(0.03) else 'true'}")
            self.out(f"    notice_days: {rng.choice((5, 6, 7)) if not self.miss(0.03) else 3}")
            self.out(f"    admitted: {admitted}")
            eligible = self.n_members
            self.out(f"    vote: {{eligible: {eligible}, voted_for: {eligible - rng.randint(0, 3)}}}")
            self.out(f"    approved: {admitted + dt.timedelta(days=rng.randint(20, 80))}")
        self.out()

    def activities(self) -> None:
        rng = self.rng
        self.out("activities:")
        self.out("  # 升旗仪式（每周一）")
        k = 0
        for a, b in TERMS:
            monday = a - dt.timedelta(days=a.weekday())
            while monday <= b:
                if monday >= a and not self.miss(0.03):
                    k += 1
                    self.out(f"  - {self.flow({'id': f'SQ{k:03d}', 'kind': 'flag_ceremony', 'date': monday, 'participants': self.staff * 14})}")
                monday += dt.timedelta(days=7)
        self.out("  # 其他活动")
        items: list[tuple[str, dt.date, str | None, str]] = []
        for y, mo in ((2024, 9), (2024, 12), (2025, 4), (2025, 5), (2025, 6)):
            items.append(("patriotic", self.day_in(y, mo), None, "爱国主义教育主题活动"))
        for y, mo in ((2024, 10), (2025, 3)):
            items.append(("sizheng_lesson", self.day_in(y, mo), "secretary", "书记讲思政课"))
            items.append(("sizheng_lesson", self.day_in(y, mo), "principal", "校长讲思政课"))
        for y, mo in ((2024, 10), (2024, 12), (2025, 3), (2025, 5), (2025, 6)):
            items.append(("brand", self.day_in(y, mo), None, "党建品牌特色活动"))
        items.append(("integrity_talk", self.day_in(2024, 11), "secretary", "廉政谈话"))
        items.append(("warning_education", self.day_in(2025, 4), None, "警示教育大会"))
        items.append(("lecture_event", self.day_in(2024, 11, 10, 28), None, "校外专家报告会"))
        items.append(("volunteer", self.day_in(2025, 3), None, "学雷锋志愿服务"))
        for n, (kind, day, role, topic) in enumerate(items):
            if self.miss(0.04):
                continue
            approved = None
            if kind == "lecture_event" and not self.miss(0.1):
                approved = day - dt.timedelta(days=rng.randint(3, 9))
            if kind not in ("sizheng_lesson", "lecture_event") or n % 2:
                self.out(f"  - {self.flow({'id': f'HD{n + 1:02d}', 'kind': kind, 'date': day, 'by_role': role, 'participants': rng.randint(30, 600), 'approved': approved, 'topic': topic})}")
                continue
            self.out(f"  - id: HD{n + 1:02d}")
            self.out(f"    kind: {kind}")
            self.out(f"    date: {day}")
            if role:
                self.out(f"    by_role: {role}")
            self.out(f"    participants: {rng.randint(30, 600)}")
            if approved:
                self.out(f"    approved: {approved}")
            self.out(f"    topic: {topic}")
        self.out()

    def talks(self) -> None:
        rng = self.rng
        if "talks" in self.skip:
            return
        self.out("# 谈心谈话记录（组织生活会前开展）")
        self.out("talks:")
        before = self.life_date - dt.timedelta(days=rng.randint(3, 20))
        pairs = [(a, b) for i, a in enumerate(self.committee) for b in self.committee[i + 1:]]
        for a, b in pairs:
            if self.miss(0.03):
                continue
            self.out(f"  - {{date: {before - dt.timedelta(days=rng.randint(0, 10))}, a: {a}, b: {b}}}")
        secretary = self.committee[0]
        rest = self.member_ids[len(self.committee):]
        for mid in rest:
            if self.miss(0.01):
                continue
            self.out(f"  - {{date: {before - dt.timedelta(days=rng.randint(0, 30))}, a: {secretary}, b: {mid}}}")
        self.out()

    def tail(self) -> None:
        rng = self.rng
        n = self.n_members + self.n_prob
        self.out("appraisal:")
        self.out(f"  date: {self.life_date + dt.timedelta(days=rng.randint(1, 6))}")
        self.out(f"  members: {n}")
        self.out(f"  assessed: {n if not self.miss(0.04) else n - 2}")
        self.out(f"  excellent: {n // 4 if not self.miss(0.03) else n // 2}")
        self.out("  unqualified: 0")
        self.out("  followups: 0")
        self.out()
        self.out("channels:")
        for k, (kind, owner) in enumerate((("website", "办公室"), ("wechat", "宣传委员"), ("noticeboard", "德育处"),
                                           ("broadcast", "团委"))):
            self.out(f"  - {self.flow({'id': f'ZD{k + 1}', 'kind': kind, 'owner': None if self.miss(0.03) else owner})}")
        self.out()
        self.out("material_reviews:")
        for k, kind in enumerate(("extracurricular_books", "school_textbook", "club")):
            reviewed = not self.miss(0.04)
            self.out(f"  - {self.flow({'id': f'SH{k + 1}', 'kind': kind, 'reviewed': reviewed, 'date': self.day_in(2024, 10) if reviewed else None})}")
        self.out()
        self.out("staff:")
        self.out(f"  total: {self.staff}")
        self.out(f"  ethics_assessed: {self.staff if not self.miss(0.04) else self.staff - 5}")
        self.out()
        key = rng.randint(12, 40)
        activists = rng.randint(2, 8)
        self.out("cultivation:")
        self.out(f"  key_teachers: {key}")
        self.out(f"  key_teachers_members: {int(key * (0.45 if not self.miss(0.06) else 0.2))}")
        self.out(f"  activists: {activists}")
        self.out(f"  activists_key_teachers: {(activists + 1) // 2 if not self.miss(0.06) else 0}")
        self.out()
        checklist = [c for c in CHECKLIST if not self.miss(0.015)]
        self.out("facility:")
        self.out(f"  checklist: [{', '.join(checklist)}]")
        self.out(f"  budget_yuan: {0 if self.miss(0.03) else rng.randint(2, 12) * 5000}")
        self.out()
        outputs = [o for o in OUTPUTS if not self.miss(0.08)]
        self.out("outcomes:")
        self.out(f"  outputs: [{', '.join(outputs)}]")
        if self.quality > 0.8:
            self.out("  honours:")
            self.out(f"    - {{title: 先进基层党组织, level: {rng.choice(('county', 'city'))}, date: {self.day_in(2025, 6)}}}")
        self.out()
        self.out("incidents:")
        if self.miss(0.015):
            self.out(f"  - {{id: SJ1, date: {self.day_in(2025, 4)}, kind: safety, severity: major, resolved: false}}")
        elif self.rng.random() < 0.1:
            self.out(f"  - {{id: SJ1, date: {self.day_in(2025, 3)}, kind: other, severity: minor, resolved: true}}")
        else:
            self.lines[-1] = "incidents: []"
        if rng.random() < 0.5:
            self.out()
            self.out("inspector:")
            self.out("  - indicator: FZ-05")
            self.out(f"    status: {'met' if self.quality > 0.6 else 'partial'}")
            self.out(f"    inspector: 县教育工委督导组{rng.choice('一二三')}组")
            self.out(f"    date: {self.day_in(2025, 6)}")
            self.out("    note: |")
            self.out("      现场查看党建品牌活动台账和成果材料，")
            self.out("      品牌特色较鲜明。")


def school_text(i: int, seed: int = SEED) -> tuple[str, str]:
    """The school code and the YAML text of school *i*."""
    school = School(i, seed)
    text = school.build()
    return school.code, text


def write(count: int, out: Path, seed: int = SEED, start: int = 0) -> list[Path]:
    paths = []
    for i in range(start, start + count):
        folder = out / f"{i // PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        code, text = school_text(i, seed)
        path = folder / f"{code}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--start", type=int, default=0, help="index of the first school")
    args = parser.parse_args(argv)
    paths = write(args.count, args.out, args.seed, args.start)
    sys.stderr.write(f"wrote {len(paths)} files under {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
