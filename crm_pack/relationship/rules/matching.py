"""Likely duplicate customers: same tax ID, email or phone, or names that read the same
once legal forms and punctuation are set aside (fuzzy, with rapidfuzz — ERPNext's own
dependency). Plain Python: no frappe import."""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from rapidfuzz import fuzz, process

from crm_pack.problems import _

# legal forms and filler words that say nothing about who the customer is
NOISE = {
	"the", "ltd", "limited", "inc", "incorporated", "co", "company", "corp", "corporation",
	"llc", "plc", "gmbh", "ag", "sa", "srl", "bv", "pty", "group", "holding", "holdings",
}  # fmt: skip
CJK_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司")
BLOCK_LIMIT = 4000  # names compared pairwise per block; bigger blocks split on two letters


@dataclass(frozen=True)
class CustomerFacts:
	name: str
	customer_name: str
	tax_id: str | None = None
	emails: frozenset[str] = frozenset()
	phones: frozenset[str] = frozenset()


@dataclass
class Candidate:
	first: str
	second: str
	score: float = 0.0
	reasons: list[str] = field(default_factory=list)


def normalise_name(name: str) -> str:
	text = unicodedata.normalize("NFKC", name or "").lower()
	for suffix in CJK_SUFFIXES:
		text = text.replace(suffix, " ")
	text = re.sub(r"[^\w\s]", " ", text)
	return " ".join(w for w in text.split() if w not in NOISE)


def normalise_phone(phone: str) -> str:
	digits = re.sub(r"\D", "", phone or "")
	# the last nine digits survive country codes, trunk zeros and spacing
	return digits[-9:] if len(digits) >= 7 else ""


def normalise_email(email: str) -> str:
	return (email or "").strip().lower()


def _blocks(names: dict[str, str]) -> list[list[str]]:
	by_key: dict[str, list[str]] = defaultdict(list)
	for customer, norm in names.items():
		if norm:
			by_key[norm[:1]].append(customer)
	blocks = []
	for members in by_key.values():
		if len(members) <= BLOCK_LIMIT:
			blocks.append(members)
			continue
		finer: dict[str, list[str]] = defaultdict(list)
		for c in members:
			finer[names[c][:2]].append(c)
		blocks.extend(finer.values())
	return blocks


def find_duplicates(customers: list[CustomerFacts], name_threshold: float = 90.0) -> list[Candidate]:
	"""Pairs of customers that are probably one, best first, each with its reasons."""
	pairs: dict[tuple[str, str], Candidate] = {}

	def hit(a: str, b: str, score: float, reason: str, args: tuple) -> None:
		key = (a, b) if a < b else (b, a)
		candidate = pairs.setdefault(key, Candidate(*key))
		candidate.score = max(candidate.score, score)
		candidate.reasons.append(reason.format(*args))

	for label, key_of in (
		(
			_("same tax ID {0}"),
			lambda c: {c.tax_id.strip().upper()} if c.tax_id and c.tax_id.strip() else set(),
		),
		(_("same email {0}"), lambda c: {normalise_email(e) for e in c.emails} - {""}),
		(_("same phone …{0}"), lambda c: {normalise_phone(p) for p in c.phones} - {""}),
	):
		holders: dict[str, list[str]] = defaultdict(list)
		for c in customers:
			for k in key_of(c):
				holders[k].append(c.name)
		for k, names in holders.items():
			for a, b in combinations(sorted(set(names)), 2):
				hit(a, b, 100.0, label, (k,))

	names = {c.name: normalise_name(c.customer_name) for c in customers}
	for block in _blocks(names):
		if len(block) < 2:
			continue
		texts = [names[c] for c in block]
		for i, text in enumerate(texts[:-1]):
			# each name against the ones after it, scored in rapidfuzz's C loop
			for _match, score, j in process.extract(
				text, texts[i + 1 :], scorer=fuzz.token_sort_ratio, score_cutoff=name_threshold, limit=None
			):
				hit(block[i], block[i + 1 + j], float(score), _("names match {0}%"), (round(score),))
	return sorted(pairs.values(), key=lambda c: (-c.score, c.first, c.second))
