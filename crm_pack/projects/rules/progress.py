"""How a project moves with its phases: the current phase, the project's status and its
actual dates follow what the phases say, so nobody keeps them by hand."""

import datetime as dt
from dataclasses import dataclass

NOT_STARTED, IN_PROGRESS, COMPLETED = "Not Started", "In Progress", "Completed"
# set by a person, never overridden by the phases
MANUAL_STATUSES = ("On Hold", "Cancelled", "Completed")


@dataclass
class PhaseState:
	name: str
	status: str | None
	actual_start: dt.date | None = None
	actual_end: dt.date | None = None
	is_go_live: bool = False


@dataclass(frozen=True)
class Progress:
	current_phase: str | None
	status: str
	actual_start: dt.date | None
	actual_go_live: dt.date | None


def stamp_phases(phases: list[PhaseState], today: dt.date | None) -> None:
	"""A blank status is Not Started; a phase started or completed without its actual
	dates gets today's (none when `today` is None: catching up on past work)."""
	for p in phases:
		p.status = p.status or NOT_STARTED
		if p.status in (IN_PROGRESS, COMPLETED) and not p.actual_start:
			p.actual_start = today
		if p.status == COMPLETED and not p.actual_end:
			p.actual_end = today


def current_phase(phases: list[PhaseState]) -> str | None:
	"""The first phase in progress, else the first not completed, else the last one."""
	in_progress = next((p for p in phases if p.status == IN_PROGRESS), None)
	open_phase = next((p for p in phases if p.status != COMPLETED), None)
	chosen = in_progress or open_phase or (phases[-1] if phases else None)
	return chosen.name if chosen else None


def go_live_phase(phases: list[PhaseState]) -> PhaseState | None:
	"""The phase marked as the go-live (cut-over); hand-made plans go live with their last phase."""
	return next((p for p in phases if p.is_go_live), phases[-1] if phases else None)


def follow_phases(
	phases: list[PhaseState],
	status: str | None,
	actual_start: dt.date | None,
	actual_go_live: dt.date | None,
	today: dt.date | None,
	chosen_phase: str | None = None,
) -> Progress:
	"""Planning while no phase has started, In Progress once one has, Live once the go-live
	phase is completed. On Hold, Cancelled and Completed are a person's decision and stay.
	The actual start is the first phase's actual start; the actual go-live is the day the
	go-live phase was completed (kept if someone entered it).

	`chosen_phase` is a phase a person moved the project to (the phase Kanban sets the
	current phase): it is the current phase, started if it had not been."""
	chosen = next((p for p in phases if p.name == chosen_phase), None)
	if chosen and (chosen.status or NOT_STARTED) == NOT_STARTED:
		chosen.status = IN_PROGRESS
	stamp_phases(phases, today)
	started = any(p.status != NOT_STARTED for p in phases)
	start_dates = [p.actual_start for p in phases if p.status != NOT_STARTED and p.actual_start]
	go_live = go_live_phase(phases)
	live = bool(go_live and go_live.status == COMPLETED)
	if start_dates:
		actual_start = min(start_dates)
	if live and not actual_go_live:
		actual_go_live = go_live.actual_end
	if status in MANUAL_STATUSES:
		new_status = status
	elif live:
		new_status = "Live"
	elif started:
		new_status = IN_PROGRESS
	else:
		new_status = "Planning"
	# a name that is no phase is kept, for the project checks to refuse
	current = chosen_phase if chosen_phase else current_phase(phases)
	return Progress(current, new_status, actual_start, actual_go_live)
