"""The municipality profile: what a consultant knows about one municipality.

Every field is optional. A field that is absent (or ``null``) means *unknown*, which is
different from ``false`` / ``"none"`` (*known to be no*). Rules never fire on an unknown fact;
the assessment lists the unknown facts that would have changed its outcome instead.

Scales are ordinal where the documents grade something (``none < low < medium < high``);
rules may compare them with ``lt``/``ge`` and so on. See ``docs/PROFILE.md`` for the meaning of
every field and the passage of the source documents it comes from.
"""

# No ``from __future__ import annotations`` here: with it, pydantic would compile and evaluate the
# text of every field's annotation when it builds the model, at every start (issue 15 §3).
import functools
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, ValidationInfo, field_validator
from pydantic_core import CoreSchema, PydanticCustomError

from ..core.scale import Scale

__all__ = [
    "Better",
    "Level",
    "PlanStatus",
    "CompetenceSpread",
    "ProcessPhase",
    "Actor",
    "UlrichType",
    "CitizenRole",
    "InnovationStrategyType",
    "ValueAim",
    "ArenaKind",
    "LADDER_LEVELS",
    "Context",
    "Plan",
    "PartnerAnchoring",
    "Leadership",
    "ImplementationStrategy",
    "Implementation",
    "Resources",
    "Relations",
    "Culture",
    "Business",
    "Arena",
    "Profile",
    "ORDINAL_SCALES",
    "SCHEMA_FILE",
    "SCHEMA_ID",
    "profile_json_schema",
]


@dataclass(frozen=True)
class Better:
    """Which way is better for the municipality, attached to a profile field as ``Annotated``
    metadata (read as :attr:`advisor.profile.schema.FieldSpec.better`); ``advisor next-steps``
    tries only changes that are improvements (never "lower your ambitions"):

    * ``Better("up")``: a higher value is better (ordinal scales and numbers), ``Better("down")``:
      a lower one;
    * ``Better(True)`` / ``Better(False)``: the better value of a yes/no fact;
    * ``Better.one_of("equal", "facilitating")``: the better values of a nominal scale.

    A field without it is not something to change (context such as a merger, the name of an arena).
    """

    direction: Any

    @classmethod
    def one_of(cls, *values: str) -> "Better":
        return cls(tuple(values))

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """The field's schema as without it: it says nothing to validation. Without this method
        pydantic would try each of the profile's 130 ``Better`` as a constraint it might know, at
        every start (a fifth of building the profile's schema; the schema is the same)."""
        return handler(source)


#: A graded level. Ordinal: none < low < medium < high.
Level = Literal["none", "low", "medium", "high"]
#: Where co-creation stands in the community plan (000 §3.3.2, Table 2). Ordinal.
PlanStatus = Literal["absent", "mentioned", "focus_area", "main_goal", "vision"]
#: How process-leadership competence is spread (000 §5.1.5). Ordinal.
CompetenceSpread = Literal["none", "few_key_persons", "some_units", "broad"]
#: Phases of a co-creation process (000 §2.3.4). Ordinal: earlier phases first. ``consultation`` is
#: not one of Ansell and Torfing's phases: it is the point after a proposal is fixed and before it is
#: decided (a hearing, for example), where partners who come in
#: can still comment but no longer shape the solution (000 §4.1.6, §4.2.6).
ProcessPhase = Literal["initiation", "design", "consultation", "implementation", "evaluation"]
#: Who initiates or owns something. Nominal.
Actor = Literal["municipality", "citizens", "volunteers", "business", "mixed"]
#: Ulrich's typology (000 §2.1.1). Nominal.
UlrichType = Literal["steered", "responsibilising", "equal", "facilitating"]
#: What kind of arena it is: the forms the documents place on the ladder of co-creation (000 §2.2.4
#: Table 1; §4.1.3, §5.1.3): a hearing or input round, a survey or focus interview, a public meeting
#: (folkemøte), a workshop, a standing group or council that works over time, or a project that
#: citizens initiate and the municipality supports (mulighetsteam, by&bygdeLAB, bolystteam). Nominal.
ArenaKind = Literal["hearing", "survey", "public_meeting", "workshop", "standing_group", "citizen_project"]
#: The rungs of the ladder of co-creation (000 §2.2.4), lowest first.
LADDER_LEVELS: tuple[int, ...] = (1, 2, 3, 4, 5)
#: How the municipality mostly meets its citizens: Kommune 1.0 / 2.0 / 3.0 (000 §1.2; 003). Nominal.
CitizenRole = Literal["clients", "customers", "partners"]
#: Fuglsang's four kinds of innovation strategy (001 §2.2, Figure 1): by source of innovation
#: (internal / external) and power to carry it through (individual / collective). Nominal.
InnovationStrategyType = Literal["entrepreneurial", "institutional", "open", "strategic_reflective"]

#: Which kind of value an arena mainly pursues: Agger, Tortzen and Rosenberg's four (000 §2.1,
#: §2.2.2 question 5): democratic value, efficiency and quality, innovation, or public value. Nominal.
ValueAim = Literal["democratic", "efficiency", "innovation", "public_value"]

#: The ordinal scales, lowest first. Conditions compare these by rank.
ORDINAL_SCALES: dict[str, Scale] = {
    "Level": Scale.of(Level),
    "PlanStatus": Scale.of(PlanStatus),
    "CompetenceSpread": Scale.of(CompetenceSpread),
    "ProcessPhase": Scale.of(ProcessPhase),
}


@functools.cache
def _numeric_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` that hold an int or a float."""
    return frozenset(
        name
        for name, info in model.model_fields.items()
        if int in typing.get_args(info.annotation)
        or float in typing.get_args(info.annotation)
        or info.annotation in (int, float)
    )


#: The fields that hold a number, in any section: the fields :meth:`_Section._no_bool_for_number`
#: checks. Named rather than ``"*"``: pydantic builds a validator for every field it applies to,
#: and the profile model's 150 fields then cost a third of its build at every start (issue 15 §3).
#: tests/test_profile.py checks that every int or float field of every section is here.
NUMBER_FIELDS = ("population", "adopted_year", "co_creation_years", "coordinator_fte", "ladder_level")


class _Section(BaseModel):
    # Built when a profile is first validated, as part of the profile's schema: a section's own
    # validator is not built until a section is validated on its own (issue 15 §3).
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False, defer_build=True)

    @field_validator(*NUMBER_FIELDS, mode="before", check_fields=False)
    @classmethod
    def _no_bool_for_number(cls, value: Any, info: ValidationInfo) -> Any:
        """``true`` is not a number: pydantic would read it as 1 (``ladder_level: true``)."""
        if isinstance(value, bool) and info.field_name in _numeric_fields(cls):
            raise PydanticCustomError("int_type", "Input should be a number, not true or false")
        return value


class Context(_Section):
    """The municipality and what it is going through (000 §4.1.1, §4.2.1, §4.3.1)."""

    name: Optional[str] = Field(
        None,
        description="Name of the municipality.",
        max_length=200,
        json_schema_extra={"descriptive": "names the municipality in every output"},
    )
    population: Optional[int] = Field(
        None,
        ge=0,
        le=10_000_000,
        description="Number of inhabitants.",
        json_schema_extra={"descriptive": "context for the reader; no rule reasons with size alone"},
    )
    recent_merger: Optional[bool] = Field(
        None,
        description="Merged with other municipalities recently (Namsos and Steinkjer 2020, Lundgren (2023) §4.1.1, §4.3.1).",
    )
    pandemic_disruption: Optional[bool] = Field(
        None,
        description="Co-creation work was slowed by the pandemic (no joint physical leader meetings, Lundgren (2023) §4.1.5, §5.1.2).",
    )
    economic_pressure: Optional[bool] = Field(
        None,
        description="Strained municipal economy that pulls resources away (Lundgren (2023) §4.3.2, §5.1.1, §5.1.5).",
    )
    population_decline: Optional[bool] = Field(
        None, description="Centralisation: stagnating employment and settlement (004 §3, §2.1)."
    )
    expectations_exceed_services: Annotated[Optional[bool], Better(False)] = Field(
        None,
        description="Citizens' expectations and needs outgrow what the municipality's services deliver: the mismatch and rising expectations of Kobro's cross-pressure (003 welfare waves, cross-pressure).",
    )
    wicked_problems: Optional[bool] = Field(
        None,
        description="The municipality faces complex (wicked) problems, such as environment, crime, social problems or health, that the public sector cannot solve alone (003 wicked problems, St.meld. nr. 29 quoted).",
    )
    savings_process: Optional[bool] = Field(
        None,
        description="A savings or cut-back process is under way or coming (Lundgren (2023) §5.1.3, §5.1.5).",
    )
    national_frameworks: Optional[bool] = Field(
        None,
        description="Solutions must first fit national frameworks: grant schemes, earmarked grants, norms and rights (002).",
    )


class PartnerAnchoring(_Section):
    """How well co-creation is anchored with partners outside the municipal organisation."""

    volunteers: Annotated[Optional[Level], Better("up")] = Field(
        None,
        json_schema_extra={"descriptive": "recorded for the reader; only the anchoring with business is tested (004)"},
    )
    business: Annotated[Optional[Level], Better("up")] = None
    citizens: Annotated[Optional[Level], Better("up")] = Field(
        None,
        json_schema_extra={"descriptive": "recorded for the reader; only the anchoring with business is tested (004)"},
    )


class Plan(_Section):
    """The community plan (kommuneplanens samfunnsdel) and its anchoring (000 §5.1.1–5.1.2, §6 factor 1)."""

    adopted_year: Optional[int] = Field(
        None,
        ge=1950,
        le=2100,
        description="Year the community plan was adopted.",
        json_schema_extra={"descriptive": "dates the plan for the reader; no rule tests it yet"},
    )
    co_creation_status: Annotated[Optional[PlanStatus], Better("up")] = Field(
        None, description="Where co-creation stands in the plan: absent, mentioned, focus_area, main_goal or vision."
    )
    knowledge_base: Annotated[Optional[bool], Better(True)] = Field(
        None, description="A knowledge base on co-creation was made before the plan was adopted."
    )
    broad_involvement: Annotated[Optional[bool], Better(True)] = Field(
        None, description="Staff, citizens and partners were broadly involved before the plan was adopted."
    )
    management_initiated: Annotated[Optional[bool], Better(False)] = Field(
        None,
        description="Management alone set the problem and direction of the change towards co-creation; no other or outside actors helped shape it (Klev & Levin's first phase, Lundgren (2023) §2.3.1).",
    )
    justified_by_savings: Optional[bool] = Field(
        None,
        description="Co-creation was chosen to save money: to give 'more for less' in the face of cuts (Lundgren (2023) §1.2); the thesis warns that such gains are uncertain and the costs partly hidden (§2.1).",
    )
    political_anchoring: Annotated[Optional[Level], Better("up")] = Field(
        None, description="How firmly the politicians stand behind co-creation."
    )
    administrative_anchoring: Annotated[Optional[Level], Better("up")] = Field(
        None, description="How firmly the administration stands behind co-creation."
    )
    partner_anchoring: Optional[PartnerAnchoring] = None
    coordinated_plan_processes: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="Several plan processes were run together (Levanger's ten plans, Lundgren (2023) §4.2.2).",
        json_schema_extra={"descriptive": "describes how the plan came about (Levanger); no rule tests it"},
    )
    resources_with_decision: Annotated[Optional[bool], Better(True)] = Field(
        None, description="Resources were set aside when co-creation was adopted (Lundgren (2023) §7.1, §5.1.5)."
    )
    grew_from_practice: Optional[bool] = Field(
        None,
        description="Co-creation entered the plan because it had worked in practice, not by a deliberate strategic choice (Lundgren (2023) §4.2.7, §5.1.1).",
    )
    innovation_strategy: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="A free-standing written innovation strategy, separate from other plans (Asker's 2015-2018 strategy, 001 §4.2, §5.1).",
    )
    innovation_strategy_type: Annotated[Optional[InnovationStrategyType], Better.one_of("strategic_reflective")] = (
        Field(
            None,
            description="Fuglsang's type of innovation strategy, by what it does: entrepreneurial (individuals, internal), institutional (own staff's knowledge), open (outside actors and users) or strategic_reflective (outside actors involved systematically while own structures are developed). Asker called its strategy open; 001 places it as strategic-reflective (001 §2.2, §4.9).",
        )
    )
    co_creation_years: Optional[int] = Field(
        None,
        ge=0,
        le=100,
        description="How many years co-creation has been a goal of the plan; results are hard to expect within about three (Lundgren (2023) §5.1.4, §7.1).",
    )
    volunteer_policy: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="A holistic volunteer policy that recognises voluntary organisations as independent actors (002, Frivillighet Norge).",
    )


class Leadership(_Section):
    """Leadership of the change (000 §4.x.4, §5.1.2, §6 factor 2)."""

    top_management_anchoring: Annotated[Optional[Level], Better("up")] = None
    leaders_carry_message: Annotated[Optional[bool], Better(True)] = Field(
        None, description="Leaders communicate the co-creation message often and broadly."
    )
    leaders_role_models: Annotated[Optional[bool], Better(True)] = Field(
        None, description="Leaders act as role models for co-creation."
    )
    middle_manager_anchoring: Annotated[Optional[Level], Better("up")] = None
    anchoring_uneven_across_units: Annotated[Optional[bool], Better(False)] = Field(
        None,
        description="Some units work with co-creation and others not at all (Lundgren (2023) §4.1.5, §4.2.4, §4.3.5, §5.1.2).",
    )
    leader_development: Annotated[Optional[bool], Better(True)] = Field(
        None, description="A leader-development programme includes co-creation or innovation."
    )
    participant_mandates: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="Those who take part in co-creation processes for the municipality (in Steinkjer: the leaders) are given trust and a mandate to decide on its behalf (Lundgren (2023) §4.3.4).",
    )
    ambassadors: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="Besides the leaders, ambassadors drive co-creation and create success stories (Lundgren (2023) §4.2.6).",
    )


class ImplementationStrategy(_Section):
    """A plan for the change itself: what, who and when (000 §6 factor 3)."""

    exists: Annotated[Optional[bool], Better(True)] = None
    specifies_what: Annotated[Optional[bool], Better(True)] = None
    specifies_who: Annotated[Optional[bool], Better(True)] = None
    specifies_when: Annotated[Optional[bool], Better(True)] = None


class Implementation(_Section):
    """How co-creation is put into practice (000 §5.1.2, §5.1.5, §6 factor 3)."""

    strategy: Optional[ImplementationStrategy] = None
    local_model: Annotated[Optional[bool], Better(True)] = Field(
        None, description="A local model of co-creation for the municipality."
    )
    toolbox: Annotated[Optional[bool], Better(True)] = Field(None, description="A toolbox of co-creation methods.")
    uses_n3: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="The municipality uses KS's innovation tool N3 (new, useful, put to use), or samveis.no, its extended version, to take initiatives from idea to practice (001 §4.6).",
    )
    varied_recruitment: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="The municipality tests several ways of recruiting and engaging citizens, beyond those already taking part (the Borgen project's open office, focus groups, guest dinners, Facebook groups, idea workshops; 001 §4.4).",
    )
    knowledge_network: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="The municipality collaborates in networks with research and education institutions, business and associations on innovation, for example research that follows its projects (001 §4.7, §4.3, §1.3).",
    )
    competence_building: Annotated[Optional[bool], Better(True)] = Field(
        None, description="Staff are trained in co-creation and process leadership."
    )
    pilots: Annotated[Optional[bool], Better(True)] = Field(None, description="Pilot projects to test co-creation.")
    proactive: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="Co-creation processes are started actively and in a structured way, not only taken up when they happen to arise: the 'proactive' of Ansell & Torfing's definition (Lundgren (2023) §2.1, §1.2).",
    )
    evaluation: Annotated[Optional[bool], Better(True)] = Field(
        None, description="Co-creation processes are evaluated."
    )
    benefit_measurement: Annotated[Optional[bool], Better(True)] = Field(
        None, description="Effects and gains of co-creation are recorded (002 advice 11)."
    )
    shared_definition: Annotated[Optional[bool], Better(True)] = Field(
        None, description="The municipality has agreed what co-creation means for it (002 advice 4)."
    )
    common_goal: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="The municipality and its partners have made a common goal for the co-creation work (002 advice 5).",
    )
    deliberate_timing: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="It decides on purpose in which processes, and when in them, to co-create (Lundgren (2023) §4.1.6, §4.2.6, §5.1.5).",
    )
    process_preparation: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="Co-creation processes are prepared beforehand: aim, participants, outcome (Lundgren (2023) §4.3.6, §5.1.5).",
    )
    model_known: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="The local co-creation model is known to those who run the processes (Lundgren (2023) §4.2.6).",
    )
    concept_familiarity: Annotated[Optional[Level], Better("up")] = Field(
        None,
        description="How well staff across the organisation know what co-creation means (Lundgren (2023) §4.2.4, §5.1.4).",
    )
    learns_from_others: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="It learns from other municipalities' co-creation through visits and networks (Lundgren (2023) §4.1.6, §5.1.5).",
    )
    co_creation_seen_as_dugnad: Annotated[Optional[bool], Better(False)] = Field(
        None,
        description='In the municipality co-creation is taken for another word for dugnad, voluntary community work (003: "not just a new word for dugnad").',
    )
    co_creation_in_hard_cases: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="Co-creation is also used, prepared, in hard processes such as cuts (Lundgren (2023) §5.1.5, §5.1.3).",
    )


class Resources(_Section):
    """Coordination resources and competence (000 §4.2.6, §4.3.6, §5.1.5)."""

    coordinator_fte: Annotated[Optional[float], Better("up")] = Field(
        None,
        ge=0,
        le=1000,
        description="Full-time equivalents set aside to coordinate co-creation (Lundgren (2023) §4.3.6, §5.1.5).",
    )
    process_competence: Annotated[Optional[CompetenceSpread], Better("up")] = Field(
        None, description="How process-leadership competence is spread: none, few_key_persons, some_units, broad."
    )
    key_person_dependency: Annotated[Optional[bool], Better(False)] = Field(
        None, description="The work depends on one or a few enthusiasts (Steinkjer, Lundgren (2023) §4.3.7, §5.1.5)."
    )
    external_funding: Optional[bool] = Field(None, description="Co-creation work is funded from outside.")
    time_limited_grant: Optional[bool] = Field(
        None,
        description="Co-creation work rests on a time-limited grant or project money.",
        json_schema_extra={"descriptive": "context for the reader; no rule reads it yet (issue 14)"},
    )
    coordinating_role: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="Someone has a coordinating role for co-creation, in single areas or overall (Lundgren (2023) §4.2.3, §4.2.6, §5.1.5).",
    )
    key_persons_left: Optional[bool] = Field(
        None,
        description="Some key persons of the co-creation work have already left the organisation (Lundgren (2023) §4.3.7).",
    )
    dedicated_time: Annotated[Optional[bool], Better(True)] = Field(
        None, description="Staff have time set aside for co-creation and innovation (001 §4.7)."
    )
    innovation_unit: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="A unit carries out the innovation strategy and shares experience and competence (Asker's Knowledge Centre, 001 §4.3).",
    )


class Relations(_Section):
    """Trust and relations between the municipality and its citizens (000 §5.1.5, §6 factor 4; 002)."""

    citizen_trust: Annotated[Optional[Level], Better("up")] = Field(
        None, description="Trust between the municipality and its citizens."
    )
    equality_on_arenas: Annotated[Optional[Level], Better("up")] = Field(
        None, description="How far the parties meet as equals on the arenas."
    )
    dialogue_based: Annotated[Optional[bool], Better(True)] = Field(
        None, description="Interaction is dialogue, not steering."
    )
    communication_infrastructure: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="There is an infrastructure for communication between the municipality, citizens and other stakeholders: physical premises where people meet to exchange and test ideas, or online solutions where they can follow the debate and give input (001 §2.2.2, §2.3, §5.1; Voorberg et al.).",
    )
    one_way_portal: Annotated[Optional[bool], Better(False)] = Field(
        None,
        description="The municipality's portal for its development work only spreads information: citizens and partners cannot interact or give input through it (Asker's KomInn in 2016, 001 §3.2).",
    )
    municipality_as_facilitator: Annotated[Optional[bool], Better(True)] = Field(
        None, description="The municipality coordinates and facilitates, also where it does not own the project."
    )
    expectations_clarified: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="Expectations, roles and responsibility are agreed with the partners (000 §5.1.5; 002 advice 6).",
    )
    invited_without_influence: Annotated[Optional[bool], Better(False)] = Field(
        None,
        description="A recent process invited co-creation without real room for influence (Lundgren (2023) §4.3.6, §5.1.5).",
    )
    delivers_on_agreements: Annotated[Optional[bool], Better(True)] = Field(
        None, description="The municipality keeps what it agreed in co-creation processes (000 §6 factor 4.i)."
    )
    cross_sector_trust: Annotated[Optional[Level], Better("up")] = Field(
        None,
        description="Trust between the actors of the community: staff, politicians, business and voluntary associations (002; 003).",
    )
    cedes_power: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="The municipality is willing to give away power so that solutions are made together (002; 003).",
    )
    room_for_local_initiative: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="Local people's and groups' own will and ability to innovate is given room: the municipality facilitates new initiatives rather than creating them itself (003 building blocks).",
    )
    actors_work_apart: Annotated[Optional[bool], Better(False)] = Field(
        None,
        description="Municipality, voluntary organisations and business each make their own solutions, not together with those who need them (002).",
    )
    expects_more_than_offered: Annotated[Optional[bool], Better(False)] = Field(
        None, description="The municipality expects more of the other actors than they want to contribute (002)."
    )
    power_imbalance: Annotated[Optional[bool], Better(False)] = Field(
        None,
        description="There is a power imbalance between the partners, and within the municipality (002).",
    )
    volunteers_define_challenges: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="In co-creation with the municipality, voluntary organisations help define both the challenges and the solutions, on their own premises (002, Frivillighet Norge).",
    )


class Culture(_Section):
    """Innovation culture (001 §4.8, §4.9; 003 inhibitors)."""

    zero_error_culture: Annotated[Optional[bool], Better(False)] = Field(
        None, description="Mistakes are not tolerated, so few dare to try."
    )
    silos: Annotated[Optional[bool], Better(False)] = Field(
        None, description="Units work in silos with little cooperation across sectors."
    )
    incentives_for_innovation: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="Incentives for innovation, also for investing in one's own sector when the gain comes in another (001 §4.8, §5.3).",
    )
    common_goals_across_sectors: Annotated[Optional[bool], Better(True)] = Field(
        None, description="Sectors and departments share common goals and pull in the same direction (001 §4.8, §5.3)."
    )
    innovation_awareness: Annotated[Optional[Level], Better("up")] = Field(
        None,
        description="How far staff and leaders share a language and understanding of innovation (Bason's awareness, 001 §2.2.4, §4.8).",
    )
    cross_sector_measurement: Annotated[Optional[bool], Better(True)] = Field(
        None, description="Gains that arise in another sector than the one paying are measured."
    )
    experience_sharing: Annotated[Optional[bool], Better(True)] = Field(
        None, description="Experience from co-creation is shared across sectors."
    )
    testing_arenas: Annotated[Optional[bool], Better(True)] = Field(
        None, description="There are arenas where new ideas can be tested."
    )
    innovation_top_driven_only: Annotated[Optional[bool], Better(False)] = Field(
        None, description="Innovation is driven from the top and does not reach the frontline (001 §4.3, §4.9)."
    )
    citizen_involvement: Annotated[Optional[Literal["passive", "active"]], Better.one_of("active")] = Field(
        None, description="Citizens are informants (passive) or co-creators (active) (001 §1.1, §5.3)."
    )
    citizen_role: Annotated[Optional[CitizenRole], Better.one_of("partners")] = Field(
        None,
        description="How the municipality mostly meets citizens: as clients of its authority (Kommune 1.0), customers of its services (2.0) or partners (3.0) (Lundgren (2023) §1.2; Kobro (n.d.)).",
    )
    co_creation_culture_established: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="Co-creation has become part of how the whole municipality works, not only of its plans (002).",
    )
    habit_bound_structures: Annotated[Optional[bool], Better(False)] = Field(
        None,
        description="Procedures, reporting, hierarchies and professions reward habitual behaviour over new thinking (003 inhibitors).",
    )
    plans_preferred_to_action: Annotated[Optional[bool], Better(False)] = Field(
        None, description="The political steering system prefers making plans to acting and trying things out (003)."
    )
    pace_pressure: Annotated[Optional[bool], Better(False)] = Field(
        None,
        description='The work is driven by a demand for pace that leaves little room for slow thinking: Kobro\'s inhibitor "a time that demands pace" (003 inhibitors).',
    )
    co_governed_resource_culture: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description='A culture ("this is how we do it") for co-governed resource management: the administration works as an operator resource that creates value by activating operand resources (004 §4.1; §4 and §4.2 on changing the attitudes behind it).',
    )


class Business(_Section):
    """The municipality as business developer (004)."""

    sees_itself_as_buyer: Annotated[Optional[bool], Better(True)] = Field(
        None, description="The municipality sees itself as a buyer of services from local enterprises (004 §2.2.2)."
    )
    procurement_as_opportunity: Annotated[Optional[bool], Better(True)] = Field(
        None, description="Public procurement is used as a tool for innovation (004 §2.2.1)."
    )
    early_market_dialogue: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="In procurement the municipality talks with users and suppliers early to clarify needs and possible solutions, instead of closed tenders with predefined specifications (001 §4.6, Asker's innovation strategy).",
    )
    ordering_competence: Annotated[Optional[Level], Better("up")] = Field(
        None, description="Competence in ordering and procuring services (004 §2.2.2)."
    )
    playmaker_role: Annotated[Optional[bool], Better(True)] = Field(
        None, description="The municipality acts as playmaker between sectors (004 §3, §4.1)."
    )
    steering: Annotated[Optional[Literal["under", "balanced", "over"]], Better.one_of("balanced")] = Field(
        None,
        description=(
            "How the municipality steers collaborative governance: under = left to steer itself, without goals, "
            "instruments and coordination; over = by directives and commands; balanced = dialogue and negotiation "
            "within planned, goal-directed activity (004 §4.2)."
        ),
    )
    entrepreneurship_understanding: Annotated[Optional[Level], Better("up")] = Field(
        None,
        description="How well the municipality understands the entrepreneur's role and how to stimulate entrepreneurship (004 §2.2.1).",
    )
    social_entrepreneurship_knowledge: Annotated[Optional[Level], Better("up")] = Field(
        None,
        description="How well it knows community and social entrepreneurship and social economic enterprise, and how to use them (004 §2.2.2).",
    )
    stimulates_service_startups: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="It stimulates local enterprises that offer (welfare) services it could buy itself, as Steinkjer did with Inn på tunet (004 §2.2.2).",
    )
    cross_sector_mobilisation: Annotated[Optional[Level], Better("up")] = Field(
        None, description="How well resources are mobilised across public, business and civil sectors (004 §2.2.2)."
    )
    immigrant_entrepreneurship_support: Annotated[Optional[bool], Better(True)] = Field(
        None, description="It supports entrepreneurship among immigrants, language included (004 §2.2.1)."
    )
    social_entrepreneurship_infrastructure: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="An infrastructure for social entrepreneurship is built and maintained; the slides do not say what it consists of (003 building blocks).",
    )


class Arena(_Section):
    """One co-creation arena or meeting place (000 §4.x.3, §5.1.3)."""

    name: Optional[str] = Field(
        None, max_length=200, json_schema_extra={"descriptive": "names the arena in findings and reports"}
    )
    kind: Optional[ArenaKind] = Field(
        None,
        description="What kind of arena: hearing, survey, public_meeting, workshop, standing_group or citizen_project (000 §2.2.4, §5.1.3).",
    )
    initiator: Optional[Actor] = Field(None, description="Who took the initiative.")
    owner: Optional[Actor] = Field(
        None,
        description="Who owns and runs the arena.",
        json_schema_extra={"descriptive": "recorded for the reader; no rule tests it yet"},
    )
    agenda_set_by: Annotated[Optional[Actor], Better.one_of("mixed")] = Field(
        None, description="Who sets the agenda; mixed = set together (Lundgren (2023) §2.2.4 Table 1)."
    )
    labelled_co_creation: Optional[bool] = Field(
        None,
        description="The municipality calls the arena co-creation or invites to it as co-creation (Lundgren (2023) §5.1.3, §5.1.5).",
    )
    ladder_level: Annotated[Optional[int], Better("up")] = Field(
        None,
        ge=LADDER_LEVELS[0],
        le=LADDER_LEVELS[-1],
        description="Level on the ladder of co-creation, 1 (lowest) to 5 (Lundgren (2023) §2.2.4); derived from kind and agenda_set_by when not given.",
    )
    ulrich_type: Annotated[Optional[UlrichType], Better.one_of("equal", "facilitating")] = Field(
        None,
        description="Ulrich's type: steered, responsibilising, equal or facilitating (Lundgren (2023) §2.1.1); derived from the arena's facts when not given.",
    )
    involvement_phase: Annotated[Optional[ProcessPhase], Better("down")] = Field(
        None,
        description="The earliest phase in which citizens and partners are involved: initiation, design, consultation (after the proposal is fixed, before the decision), implementation or evaluation (Lundgren (2023) §2.3.4).",
    )
    expectations_clarified: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="The preconditions, room for influence and use of the input were agreed with the participants beforehand (Lundgren (2023) §4.1.6, §4.3.6, §5.1.3).",
    )
    equality: Annotated[Optional[Level], Better("up")] = Field(
        None, description="How far the parties meet as equals on this arena (000 §5.1.3, §6 factor 4)."
    )
    citizen_involvement: Annotated[Optional[Literal["passive", "active"]], Better.one_of("active")] = Field(
        None,
        description="Participants are informants (passive) or co-creators (active) on this arena (001 §1.1, §5.3).",
    )
    input_used: Annotated[Optional[Level], Better("up")] = Field(
        None,
        description="How much of the participants' input was taken up in what was decided or done (Lundgren (2023) §5.1.3).",
    )
    room_for_influence: Annotated[Optional[Level], Better("up")] = Field(
        None, description="How much the participants can influence the outcome."
    )
    experienced_as_real: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="The participants experienced the arena as real co-creation; Steinkjer 2025 was experienced as not real, although there may have been room for input (Lundgren (2023) §4.3.3, §4.3.6, §5.1.3).",
    )
    evaluated: Annotated[Optional[bool], Better(True)] = Field(
        None, description="The arena or process has been evaluated."
    )
    aim_stated: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="It is stated which kind of value the arena pursues: democratic, efficiency/quality, innovation or public value (Lundgren (2023) §2.1, §2.2.2).",
    )
    value_aim: Optional[ValueAim] = Field(
        None,
        description="Which kind of value the arena mainly pursues (Agger et al.): democratic (empowerment, social capital, trust), efficiency (better or cheaper services), innovation (new solutions to social challenges) or public_value (the whole) (Lundgren (2023) §2.1, §2.2.2).",
    )
    n3_need: Annotated[Optional[bool], Better(True)] = Field(
        None, description="N3 foundation in place: a clear need (001 §4.6)."
    )
    n3_solution: Annotated[Optional[bool], Better(True)] = Field(
        None, description="N3 foundation in place: a solution idea (001 §4.6)."
    )
    n3_driver: Annotated[Optional[bool], Better(True)] = Field(
        None, description="N3 foundation in place: a driver who pushes it (001 §4.6)."
    )
    n3_team: Annotated[Optional[bool], Better(True)] = Field(
        None, description="N3 foundation in place: a team (001 §4.6)."
    )
    n3_anchoring: Annotated[Optional[bool], Better(True)] = Field(
        None, description="N3 foundation in place: anchoring (001 §4.6)."
    )
    resourceful_dominate: Annotated[Optional[bool], Better(False)] = Field(
        None,
        description="The most resourceful citizens are the most engaged and dominate the arena (Borgen, 001 §4.4).",
    )
    snowball_recruitment: Annotated[Optional[bool], Better(False)] = Field(
        None, description="Participants are recruited mainly through those already taking part (Borgen, 001 §4.4)."
    )
    implemented_together: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="The partners also implement the solution with the municipality, not only identify and plan it (003, thick co-creation).",
    )
    found_useful: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="The participants find the arena useful and motivating, with room to exchange experience, communicate and build relations (004 §2.1).",
    )
    mixed_group: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="The group working on the arena is composed across disciplines, sectors and levels of the hierarchy (003 principle 4; diversity as a resource).",
    )
    open_sharing: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="The participants share goals, thoughts, worries and hopes, in a language that includes, with curiosity and openness about each other's experience and ideas (003 principles 5, 6, 8).",
    )
    setting_fits_purpose: Annotated[Optional[bool], Better(True)] = Field(
        None,
        description="The place, the timing (when the meetings are held) and the atmosphere (informal, friendly, safely challenging) are chosen for the arena's purpose (003 principles 1-3, 7).",
    )


class Profile(_Section):
    """A municipality profile. Unknown sections and fields may be left out."""

    context: Optional[Context] = None
    plan: Optional[Plan] = None
    leadership: Optional[Leadership] = None
    implementation: Optional[Implementation] = None
    resources: Optional[Resources] = None
    relations: Optional[Relations] = None
    culture: Optional[Culture] = None
    business: Optional[Business] = None
    arenas: Optional[list[Arena]] = Field(
        None, max_length=500, description="Co-creation arenas. Leave out if unknown; [] means none."
    )


#: The ``$id`` of the profile's JSON Schema: a name, not an address (no site publishes the
#: schema; ``advisor schema`` prints it).
SCHEMA_ID = "urn:samskaping-advisor:schema:profile"
#: Where the ``yaml-language-server`` comment of profiles written by ``advisor init`` looks for
#: the schema: a file beside the profile, written by ``advisor schema > profile.schema.json``.
SCHEMA_FILE = "profile.schema.json"
#: The JSON Schema dialect pydantic generates.
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def profile_json_schema() -> dict[str, Any]:
    """The JSON Schema of a profile, with ``$schema`` and ``$id`` first."""
    return {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_ID, **Profile.model_json_schema()}
