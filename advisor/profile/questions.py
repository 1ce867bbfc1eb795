"""The questions of the intake interview (``advisor init``), in English and Norwegian bokmål.

One entry per fact path of the profile (:func:`advisor.profile.schema.profile_fields`, derived arena
facts left out) and one per arena field, written ``arenas[].FIELD``. The wording follows the
interview guide and the statements of the Lundgren thesis (000 §10.3 questionnaire, §10.4
interview guide): "How is co-creation anchored politically?", "On co-creation arenas the
municipality is still the party in control", Torfing's ladder of co-creation, and so on.

Each entry also says which way is *better* for the municipality, which ``advisor next-steps``
uses to try only changes that are improvements (never "lower your ambitions"):

* ``"up"``: a higher value is better (ordinal scales and numbers), ``"down"``: a lower one;
* ``True`` / ``False``: the better value of a yes/no fact;
* a tuple of values: the better values of a nominal scale;
* ``None``: not something to change (context such as a merger, or the name of an arena).

A test fails when a profile field has no question here, in either language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ..core.text import Text

__all__ = [
    "FieldQuestion",
    "QUESTIONS",
    "SECTIONS",
    "VALUE_LABELS",
    "ARENAS_QUESTION",
    "question_for",
    "value_label",
    "value_text",
    "question_text",
]


@dataclass(frozen=True)
class FieldQuestion:
    """The question for one fact, in both languages, and which way is better."""

    en: str
    nb: str
    better: Any = None

    def get(self, lang: str) -> str:
        return self.nb if lang == "nb" else self.en


def _q(en: str, nb: str, better: Any = None) -> FieldQuestion:
    return FieldQuestion(en, nb, better)


#: Titles of the sections of a profile, in interview order.
SECTIONS: dict[str, Text] = {
    "context": Text(en="The municipality", nb="Kommunen"),
    "plan": Text(en="The community plan and its anchoring", nb="Samfunnsdelen og forankringen av den"),
    "leadership": Text(en="Leadership", nb="Lederskap"),
    "implementation": Text(en="Implementation strategy", nb="Strategi for implementering"),
    "resources": Text(en="Resources and competence", nb="Ressurser og kompetanse"),
    "relations": Text(en="Trust and relations", nb="Tillit og relasjoner"),
    "culture": Text(en="Innovation culture", nb="Innovasjonskultur"),
    "business": Text(en="Business development and procurement", nb="Næringsutvikling og innkjøp"),
    "arenas": Text(en="Co-creation arenas and meeting places", nb="Samskapingsarenaer og møteplasser"),
}

#: The opening question of the arenas group.
ARENAS_QUESTION = _q(
    "Has the municipality established arenas or meeting places for co-creation?",
    "Har kommunen etablert arenaer eller møteplasser for samskaping?",
)

QUESTIONS: dict[str, FieldQuestion] = {
    # ---------------------------------------------------------------- context
    "context.name": _q("What is the name of the municipality?", "Hva heter kommunen?"),
    "context.population": _q("How many inhabitants does the municipality have?", "Hvor mange innbyggere har kommunen?"),
    "context.recent_merger": _q(
        "Has the municipality recently merged with other municipalities?",
        "Er kommunen nylig slått sammen med andre kommuner?",
    ),
    "context.pandemic_disruption": _q(
        "Was the co-creation work slowed down by the pandemic?",
        "Ble samskapingsarbeidet bremset av pandemien?",
    ),
    "context.economic_pressure": _q(
        "Is the municipal economy strained, so that resources are pulled away from co-creation?",
        "Er kommuneøkonomien stram, slik at ressurser trekkes bort fra samskaping?",
    ),
    "context.population_decline": _q(
        "Is the municipality marked by centralisation: stagnating employment and people moving away?",
        "Er kommunen preget av sentralisering: stagnerende sysselsetting og fraflytting?",
    ),
    "context.expectations_exceed_services": _q(
        "Do citizens' expectations and needs outgrow what the municipality's services deliver?",
        "Vokser innbyggernes forventninger og behov fra det kommunens tjenester leverer?",
        False,
    ),
    "context.wicked_problems": _q(
        "Does the municipality face complex problems (environment, crime, social problems, health) it cannot solve alone?",
        "Står kommunen overfor sammensatte problemer (miljø, kriminalitet, sosiale problemer, helse) den ikke kan løse alene?",
    ),
    "context.savings_process": _q(
        "Is a savings or cut-back process under way or coming?",
        "Pågår det, eller kommer det, en innsparings- eller nedskjæringsprosess?",
    ),
    "context.national_frameworks": _q(
        "Must solutions first fit national frameworks: grant schemes, earmarked grants, norms and rights?",
        "Må løsningene først tilpasses nasjonale rammer: tilskuddsordninger, øremerkinger, normer og rettigheter?",
    ),
    # ---------------------------------------------------------------- plan
    "plan.adopted_year": _q(
        "In which year was the community plan (kommuneplanens samfunnsdel) adopted?",
        "Hvilket år ble kommuneplanens samfunnsdel vedtatt?",
    ),
    "plan.co_creation_status": _q(
        "How is co-creation made visible in the community plan: absent, mentioned, a focus area, a main goal or the vision?",
        "Hvordan synliggjøres samskaping i samfunnsdelen: fraværende, nevnt, et satsingsområde, et hovedmål eller visjonen?",
        "up",
    ),
    "plan.knowledge_base": _q(
        "Was a knowledge base on co-creation made before the plan was adopted?",
        "Ble det laget et kunnskapsgrunnlag om samskaping før planen ble vedtatt?",
        True,
    ),
    "plan.broad_involvement": _q(
        "Were staff, citizens and partners broadly involved before co-creation was chosen?",
        "Var ansatte, innbyggere og samarbeidspartnere bredt involvert før samskaping ble valgt?",
        True,
    ),
    "plan.management_initiated": _q(
        "Did management alone set the problem and direction of the change towards co-creation, without other or outside actors helping to shape it?",
        "Satte ledelsen alene problemstillingen og retningen for endringen mot samskaping, uten at andre eller eksterne aktører var med og formet den?",
        False,
    ),
    "plan.justified_by_savings": _q(
        "Was co-creation chosen to save money, to give 'more for less'?",
        "Ble samskaping valgt for å spare penger, for å gi «mer for mindre»?",
    ),
    "plan.political_anchoring": _q(
        "How firmly is co-creation anchored politically: do the politicians stand behind it?",
        "Hvor godt er samskaping forankret politisk: står politikerne bak?",
        "up",
    ),
    "plan.administrative_anchoring": _q(
        "How firmly is co-creation anchored in the administration?",
        "Hvor godt er samskaping forankret administrativt?",
        "up",
    ),
    "plan.partner_anchoring.volunteers": _q(
        "How firmly is co-creation anchored with the voluntary sector, as a co-creating partner?",
        "Hvor godt er samskaping forankret hos frivilligheten som samskapende partner?",
        "up",
    ),
    "plan.partner_anchoring.business": _q(
        "How firmly is co-creation anchored with local business?",
        "Hvor godt er samskaping forankret hos det lokale næringslivet?",
        "up",
    ),
    "plan.partner_anchoring.citizens": _q(
        "How firmly is co-creation anchored with the citizens?",
        "Hvor godt er samskaping forankret hos innbyggerne?",
        "up",
    ),
    "plan.coordinated_plan_processes": _q(
        "Were several plan processes run together (as Levanger did with ten plans)?",
        "Ble flere planprosesser kjørt samordnet (slik Levanger gjorde med ti planer)?",
        True,
    ),
    "plan.resources_with_decision": _q(
        "Were resources set aside when co-creation was adopted?",
        "Ble det satt av ressurser da samskaping ble vedtatt?",
        True,
    ),
    "plan.grew_from_practice": _q(
        "Did co-creation enter the plan because it had worked in practice, rather than by a deliberate strategic choice?",
        "Kom samskaping inn i planen fordi det hadde fungert i praksis, heller enn som et bevisst strategisk valg?",
        None,
    ),
    "leadership.ambassadors": _q(
        "Besides the leaders, are there ambassadors who drive co-creation and create success stories?",
        "Finnes det, i tillegg til lederne, ambassadører som driver samskaping fram og skaper suksesshistorier?",
        True,
    ),
    "implementation.deliberate_timing": _q(
        "Does the municipality decide on purpose in which processes, and when in them, to co-create?",
        "Bestemmer kommunen bevisst i hvilke prosesser, og når i dem, det skal samskapes?",
        True,
    ),
    "implementation.process_preparation": _q(
        "Are co-creation processes prepared beforehand: aim, participants and what should come out?",
        "Blir samskapingsprosesser forberedt på forhånd: mål, deltakere og hva som skal komme ut av dem?",
        True,
    ),
    "implementation.model_known": _q(
        "Is the local co-creation model known to those who run the processes?",
        "Er den lokale samskapingsmodellen kjent for dem som leder prosessene?",
        True,
    ),
    "implementation.concept_familiarity": _q(
        "How well do staff across the organisation know what co-creation means?",
        "Hvor godt kjenner ansatte i hele organisasjonen til hva samskaping betyr?",
        "up",
    ),
    "implementation.learns_from_others": _q(
        "Does the municipality learn from other municipalities' co-creation, through visits and networks?",
        "Lærer kommunen av andre kommuners samskaping, gjennom besøk og nettverk?",
        True,
    ),
    "implementation.co_creation_seen_as_dugnad": _q(
        "Is co-creation taken in the municipality for another word for dugnad?",
        "Blir samskaping oppfattet i kommunen som et annet ord for dugnad?",
        False,
    ),
    "implementation.co_creation_in_hard_cases": _q(
        "Is co-creation also used, well prepared, in hard processes such as cuts?",
        "Brukes samskaping også, godt forberedt, i vanskelige prosesser som nedskjæringer?",
        True,
    ),
    "resources.coordinating_role": _q(
        "Does someone have a dedicated coordinating role for co-creation, in single areas or overall?",
        "Har noen en dedikert koordinerende rolle for samskaping, innenfor enkeltområder eller samlet?",
        True,
    ),
    "resources.key_persons_left": _q(
        "Have some of the key persons of the co-creation work already left the organisation?",
        "Har noen av nøkkelpersonene i samskapingsarbeidet allerede sluttet i organisasjonen?",
        None,
    ),
    "plan.innovation_strategy": _q(
        "Does the municipality have a written innovation strategy of its own, separate from other plans?",
        "Har kommunen en egen skriftlig innovasjonsstrategi, atskilt fra andre planer?",
        True,
    ),
    "plan.co_creation_years": _q(
        "For how many years has co-creation been a goal of the plan?",
        "Hvor mange år har samskaping vært et mål i planen?",
    ),
    "plan.volunteer_policy": _q(
        "Does the municipality have a holistic volunteer policy that recognises voluntary organisations as independent actors?",
        "Har kommunen en helhetlig frivillighetspolitikk som anerkjenner frivillige organisasjoner som selvstendige aktører?",
        True,
    ),
    # ---------------------------------------------------------------- leadership
    "leadership.top_management_anchoring": _q(
        "How firmly does top management stand behind co-creation?",
        "Hvor godt står toppledelsen bak samskaping?",
        "up",
    ),
    "leadership.leaders_carry_message": _q(
        "Do the leaders communicate the co-creation message often and broadly?",
        "Formidler lederne budskapet om samskaping ofte og bredt?",
        True,
    ),
    "leadership.leaders_role_models": _q(
        "Do the leaders act as role models for co-creation?",
        "Går lederne foran som rollemodeller for samskaping?",
        True,
    ),
    "leadership.middle_manager_anchoring": _q(
        "How firmly do the middle managers stand behind co-creation?",
        "Hvor godt står mellomlederne bak samskaping?",
        "up",
    ),
    "leadership.anchoring_uneven_across_units": _q(
        "Do some units work with co-creation while others do not at all?",
        "Jobber noen enheter med samskaping mens andre ikke gjør det i det hele tatt?",
        False,
    ),
    "leadership.leader_development": _q(
        "Does a leader-development programme include co-creation or innovation?",
        "Inneholder et lederutviklingsprogram samskaping eller innovasjon?",
        True,
    ),
    "leadership.participant_mandates": _q(
        "Do staff who take part in co-creation get a clear mandate to decide?",
        "Får ansatte som deltar i samskaping et tydelig mandat til å ta beslutninger?",
        True,
    ),
    # ---------------------------------------------------------------- implementation
    "implementation.strategy.exists": _q(
        "Is there an implementation strategy for becoming a co-creating municipality?",
        "Finnes det en strategi for implementering av samskaping i kommunen?",
        True,
    ),
    "implementation.strategy.specifies_what": _q(
        "Does the strategy say what is to be done?",
        "Sier strategien hva som skal gjøres?",
        True,
    ),
    "implementation.strategy.specifies_who": _q(
        "Does the strategy say who is responsible?",
        "Sier strategien hvem som har ansvaret?",
        True,
    ),
    "implementation.strategy.specifies_when": _q(
        "Does the strategy say when it is to happen?",
        "Sier strategien når det skal skje?",
        True,
    ),
    "implementation.local_model": _q(
        "Has the municipality made its own local model of co-creation?",
        "Har kommunen laget en egen lokal modell for samskaping?",
        True,
    ),
    "implementation.toolbox": _q(
        "Is there a toolbox of co-creation methods?",
        "Finnes det en verktøykasse med metoder for samskaping?",
        True,
    ),
    "implementation.competence_building": _q(
        "Are staff trained in co-creation and process leadership?",
        "Får ansatte opplæring i samskaping og prosessledelse?",
        True,
    ),
    "implementation.pilots": _q(
        "Are there pilot projects to test co-creation?",
        "Finnes det pilotprosjekter for å prøve ut samskaping?",
        True,
    ),
    "implementation.proactive": _q(
        "Are co-creation processes started actively and in a structured way, not only taken up when they happen to arise?",
        "Settes samskapingsprosesser i gang aktivt og strukturert, og ikke bare tatt opp når de tilfeldigvis dukker opp?",
        True,
    ),
    "implementation.evaluation": _q(
        "Are the co-creation processes evaluated?",
        "Blir samskapingsprosessene evaluert?",
        True,
    ),
    "implementation.benefit_measurement": _q(
        "Are the effects and gains of co-creation recorded?",
        "Blir effekter og gevinster av samskaping registrert?",
        True,
    ),
    "implementation.shared_definition": _q(
        "Has the municipality agreed what co-creation means for it?",
        "Har kommunen blitt enig om hva samskaping betyr for den?",
        True,
    ),
    "implementation.common_goal": _q(
        "Have the municipality and its partners made a common goal for the co-creation work?",
        "Har kommunen og partene laget et felles mål for samskapingsarbeidet?",
        True,
    ),
    # ---------------------------------------------------------------- resources
    "resources.coordinator_fte": _q(
        "How many full-time equivalents coordinate co-creation (for example 0.5)?",
        "Hvor mange årsverk koordinerer samskaping (for eksempel 0.5)?",
        "up",
    ),
    "resources.process_competence": _q(
        "How widely is competence in process leadership spread: none, a few key persons, some units, or broadly?",
        "Hvor bredt er kompetansen i prosessledelse spredt: ingen, noen få nøkkelpersoner, noen enheter, eller bredt?",
        "up",
    ),
    "resources.key_person_dependency": _q(
        "Does the work depend on one or a few enthusiasts?",
        "Er arbeidet avhengig av én eller noen få ildsjeler?",
        False,
    ),
    "resources.external_funding": _q(
        "Is the co-creation work funded from outside the municipality?",
        "Blir samskapingsarbeidet finansiert utenfra?",
    ),
    "resources.time_limited_grant": _q(
        "Does the co-creation work rest on a time-limited grant or project money?",
        "Hviler samskapingsarbeidet på et tidsavgrenset tilskudd eller prosjektmidler?",
    ),
    "resources.dedicated_time": _q(
        "Do staff have time set aside for co-creation and innovation?",
        "Har ansatte satt av tid til samskaping og innovasjon?",
        True,
    ),
    "resources.innovation_unit": _q(
        "Is there a unit that carries out the innovation strategy and shares experience and competence?",
        "Finnes det en enhet som gjennomfører innovasjonsstrategien og deler erfaring og kompetanse?",
        True,
    ),
    # ---------------------------------------------------------------- relations
    "relations.citizen_trust": _q(
        "How much trust is there between the municipality and its citizens?",
        "Hvor stor tillit er det mellom kommunen og innbyggerne?",
        "up",
    ),
    "relations.equality_on_arenas": _q(
        "Do the parties meet as equals on the arenas, or is the municipality still the party in control?",
        "Møtes partene som likeverdige på arenaene, eller er kommunen fortsatt den parten som har kontroll og styring?",
        "up",
    ),
    "relations.dialogue_based": _q(
        "Is the interaction based on dialogue rather than steering?",
        "Bygger samhandlingen på dialog heller enn styring?",
        True,
    ),
    "relations.municipality_as_facilitator": _q(
        "Does the municipality coordinate and facilitate, also where it does not own the project?",
        "Koordinerer og tilrettelegger kommunen, også der den ikke eier prosjektet?",
        True,
    ),
    "relations.expectations_clarified": _q(
        "Are expectations, roles and responsibility agreed with the partners?",
        "Er forventninger, roller og ansvar avklart med samarbeidspartnerne?",
        True,
    ),
    "relations.invited_without_influence": _q(
        "Has a recent process invited co-creation without real room for influence?",
        "Har en nylig prosess invitert til samskaping uten reelt rom for påvirkning?",
        False,
    ),
    "relations.delivers_on_agreements": _q(
        "Does the municipality keep what it agreed in co-creation processes?",
        "Holder kommunen det den har avtalt i samskapingsprosesser?",
        True,
    ),
    "relations.cross_sector_trust": _q(
        "How much trust is there between the actors of the community: staff, politicians, business and voluntary associations?",
        "Hvor stor tillit er det mellom aktørene i lokalsamfunnet: ansatte, politikere, næringsliv og frivillige lag og foreninger?",
        "up",
    ),
    "relations.cedes_power": _q(
        "Is the municipality willing to give away power so that solutions are made together?",
        "Er kommunen villig til å gi fra seg makt slik at løsninger lages sammen?",
        True,
    ),
    "relations.room_for_local_initiative": _q(
        "Is local people's own will to innovate given room, with the municipality facilitating rather than creating itself?",
        "Får folks og gruppers egen nyskapningsvilje plass, med kommunen som tilrettelegger heller enn å skape selv?",
        True,
    ),
    "relations.actors_work_apart": _q(
        "Do the municipality, voluntary organisations and business each make their own solutions, not together with those who need them?",
        "Lager kommunen, frivilligheten og næringslivet hver sine løsninger, ikke sammen med dem som trenger dem?",
        False,
    ),
    "relations.expects_more_than_offered": _q(
        "Does the municipality expect more of the other actors than they want to contribute?",
        "Forventer kommunen mer av de andre aktørene enn de selv ønsker å bidra med?",
        False,
    ),
    "relations.power_imbalance": _q(
        "Is there a power imbalance between the partners, or within the municipality?",
        "Er det en maktubalanse mellom aktørene, eller internt i kommunen?",
        False,
    ),
    "relations.volunteers_define_challenges": _q(
        "In co-creation with the municipality, do voluntary organisations help define both the challenges and the solutions?",
        "Er de frivillige organisasjonene med på å definere både utfordringer og løsninger når de samskaper med kommunen?",
        True,
    ),
    # ---------------------------------------------------------------- culture
    "culture.zero_error_culture": _q(
        "Is there a zero-error culture, so that few dare to try something new?",
        "Er det en nullfeilkultur, slik at få tør å prøve noe nytt?",
        False,
    ),
    "culture.silos": _q(
        "Do the units work in silos, with little cooperation across sectors?",
        "Jobber enhetene i siloer, med lite samarbeid på tvers av sektorer?",
        False,
    ),
    "culture.incentives_for_innovation": _q(
        "Are there incentives that reward innovation?",
        "Finnes det insentiver som belønner innovasjon?",
        True,
    ),
    "culture.cross_sector_measurement": _q(
        "Are gains measured that arise in another sector than the one that pays?",
        "Blir gevinster målt når de oppstår i en annen sektor enn den som betaler?",
        True,
    ),
    "culture.experience_sharing": _q(
        "Is experience from co-creation shared across sectors?",
        "Blir erfaringer fra samskaping delt på tvers av sektorer?",
        True,
    ),
    "culture.testing_arenas": _q(
        "Are there arenas where new ideas can be tested?",
        "Finnes det arenaer der nye ideer kan testes?",
        True,
    ),
    "culture.innovation_top_driven_only": _q(
        "Is innovation driven only from the top, without reaching the frontline?",
        "Drives innovasjon bare ovenfra, uten å nå ut til førstelinjen?",
        False,
    ),
    "culture.citizen_involvement": _q(
        "Are citizens mostly informants (passive) or co-creators (active)?",
        "Er innbyggerne mest informanter (passive) eller medskapere (aktive)?",
        ("active",),
    ),
    "culture.co_creation_culture_established": _q(
        "Has co-creation become part of how the whole municipality works, not only of its plans?",
        "Er samskaping blitt en del av hvordan hele kommunen arbeider, ikke bare av planene?",
        True,
    ),
    "culture.habit_bound_structures": _q(
        "Do procedures, reporting, hierarchies and professions reward habitual behaviour over new thinking?",
        "Belønner rutiner, rapportering, hierarkier og profesjoner vanetenkning framfor nytenkning?",
        False,
    ),
    "culture.plans_preferred_to_action": _q(
        "Does the political steering system prefer making plans to acting and trying things out?",
        "Foretrekker det politiske styringssystemet å lage planer framfor å handle og prøve ut?",
        False,
    ),
    "culture.pace_pressure": _q(
        "Is the work driven by a demand for pace that leaves little room for slow thinking?",
        "Drives arbeidet av et krav om tempo som gir lite rom for langsom tenkning?",
        False,
    ),
    "culture.common_goals_across_sectors": _q(
        "Do sectors and departments share common goals and pull in the same direction?",
        "Har sektorer og avdelinger felles mål og drar de i samme retning?",
        True,
    ),
    "culture.innovation_awareness": _q(
        "How far do staff and leaders share a language and an understanding of innovation?",
        "I hvor stor grad har ansatte og ledere et felles språk og en felles forståelse av innovasjon?",
        "up",
    ),
    "culture.citizen_role": _q(
        "How does the municipality mostly meet its citizens: as clients of its authority (Kommune 1.0), "
        "as customers of its services (2.0), or as partners (3.0)?",
        "Hvordan møter kommunen oftest innbyggerne: som klienter av myndigheten (Kommune 1.0), "
        "som kunder av tjenestene (2.0) eller som partnere (3.0)?",
        ("partners",),
    ),
    # ---------------------------------------------------------------- business
    "business.sees_itself_as_buyer": _q(
        "Does the municipality see itself as a buyer of services from local enterprises?",
        "Ser kommunen seg selv som kjøper av tjenester fra lokale virksomheter?",
        True,
    ),
    "business.procurement_as_opportunity": _q(
        "Is public procurement used as a tool for innovation?",
        "Brukes offentlige anskaffelser som et verktøy for innovasjon?",
        True,
    ),
    "business.ordering_competence": _q(
        "How strong is the competence in ordering and procuring services?",
        "Hvor sterk er bestillerkompetansen, i å bestille og kjøpe tjenester?",
        "up",
    ),
    "business.playmaker_role": _q(
        "Does the municipality act as playmaker between the public, business and voluntary sectors?",
        "Opptrer kommunen som playmaker mellom offentlig sektor, næringsliv og frivillighet?",
        True,
    ),
    "business.steering": _q(
        "How does the municipality steer collaborative governance: under-steered (no goals or coordination), balanced (dialogue within goal-directed work), or over-steered (directives and commands)?",
        "Hvordan styrer kommunen samstyring: understyrt (uten mål og koordinering), balansert (dialog innenfor målrettet arbeid) eller overstyrt (direktiver og pålegg)?",
        ("balanced",),
    ),
    "business.entrepreneurship_understanding": _q(
        "How well does the municipality understand the entrepreneur's role and how to stimulate entrepreneurship?",
        "Hvor godt forstår kommunen entreprenørens rolle og hvordan entreprenørskap kan stimuleres?",
        "up",
    ),
    "business.social_entrepreneurship_knowledge": _q(
        "How well does the municipality know social entrepreneurship and social enterprise, and how to use them?",
        "Hvor godt kjenner kommunen sosialt entreprenørskap og sosiale entreprenører, og hvordan de kan brukes?",
        "up",
    ),
    "business.stimulates_service_startups": _q(
        "Does the municipality stimulate local enterprises that offer (welfare) services it could buy itself?",
        "Stimulerer kommunen lokale virksomheter som tilbyr (velferds)tjenester kommunen selv kunne kjøpt?",
        True,
    ),
    "business.cross_sector_mobilisation": _q(
        "How well are resources mobilised across the public, business and voluntary sectors?",
        "Hvor godt mobiliseres ressurser på tvers av offentlig sektor, næringsliv og frivillighet?",
        "up",
    ),
    "business.immigrant_entrepreneurship_support": _q(
        "Does the municipality support entrepreneurship among immigrants, language training included?",
        "Støtter kommunen entreprenørskap blant innvandrere, språkopplæring inkludert?",
        True,
    ),
    "business.social_entrepreneurship_infrastructure": _q(
        "Is an infrastructure for social entrepreneurship built and maintained?",
        "Bygges og vedlikeholdes det en infrastruktur for samfunnsentreprenørskap?",
        True,
    ),
    # ---------------------------------------------------------------- one arena
    "arenas[].name": _q("What is the arena or meeting place called?", "Hva heter arenaen eller møteplassen?"),
    "arenas[].kind": _q(
        "What kind of arena is it: a hearing or input round, a survey or focus interview, a public meeting, a workshop, "
        "a standing group or council, or a project citizens initiated?",
        "Hva slags arena er det: en høring eller innspillsrunde, en undersøkelse eller et fokusintervju, et folkemøte, et verksted, "
        "en fast gruppe eller et råd, eller et prosjekt innbyggerne tok initiativ til?",
    ),
    "arenas[].initiator": _q("Who took the initiative to the arena?", "Hvem tok initiativet til arenaen?"),
    "arenas[].owner": _q("Who owns and runs the arena?", "Hvem eier og driver arenaen?"),
    "arenas[].agenda_set_by": _q("Who sets the agenda on the arena?", "Hvem setter agendaen på arenaen?", ("mixed",)),
    "arenas[].labelled_co_creation": _q(
        "Does the municipality call the arena co-creation, or invite to it as co-creation?",
        "Kaller kommunen arenaen samskaping, eller inviterer den til den som samskaping?",
    ),
    "arenas[].ladder_level": _q(
        "On Torfing's ladder of co-creation, which level is the arena at? 1 = the municipality asks for input; "
        "2 = it asks for proposals on set problems and sets the agenda; 3 = it works with citizens over time and starts to facilitate; "
        "4 = the agenda is set together, as equals; 5 = co-creation is the preferred way of working, across networks of arenas.",
        "Med utgangspunkt i Torfings samskapingsstige: hvilket nivå er arenaen på? 1 = kommunen henter inn innspill; "
        "2 = den ber om forslag til konkrete problemstillinger og setter agendaen; 3 = den jobber sammen med innbyggerne over tid og går over i en fasiliterende rolle; "
        "4 = agendaen settes i fellesskap, som likeverdige; 5 = samskaping er den foretrukne samhandlingsformen, i nettverk av arenaer.",
        "up",
    ),
    "arenas[].ulrich_type": _q(
        "Which of Ulrich's types is the arena: steered by the municipality, responsibilising, equal, or facilitating?",
        "Hvilken av Ulrichs typer er arenaen: styrt av kommunen, ansvarliggjørende, likeverdig eller tilretteleggende?",
        ("equal", "facilitating"),
    ),
    "arenas[].involvement_phase": _q(
        "In which phase are citizens and partners first involved: initiation, design, consultation (after the proposal is fixed, "
        "before the decision), implementation or evaluation?",
        "I hvilken fase blir innbyggere og partnere involvert første gang: initiering, design, høring (etter at forslaget er ferdig, "
        "før vedtaket), gjennomføring eller evaluering?",
        "down",
    ),
    "arenas[].expectations_clarified": _q(
        "Were the preconditions, the room for influence and how the input will be used agreed with the participants beforehand?",
        "Ble forutsetningene, handlingsrommet og hvordan innspillene skal brukes, avklart med deltakerne på forhånd?",
        True,
    ),
    "arenas[].equality": _q(
        "How far do the parties meet as equals on the arena?",
        "I hvor stor grad møtes partene som likeverdige på arenaen?",
        "up",
    ),
    "arenas[].citizen_involvement": _q(
        "Are the participants informants (passive) or co-creators (active) on the arena?",
        "Er deltakerne informanter (passive) eller medskapere (aktive) på arenaen?",
        ("active",),
    ),
    "arenas[].input_used": _q(
        "How much of the participants' input was taken up in what was decided or done?",
        "Hvor mye av deltakernes innspill ble tatt med i det som ble vedtatt eller gjort?",
        "up",
    ),
    "arenas[].room_for_influence": _q(
        "How much can the participants influence the outcome?",
        "Hvor mye kan deltakerne påvirke resultatet?",
        "up",
    ),
    "arenas[].evaluated": _q(
        "Has the arena or process been evaluated?",
        "Er arenaen eller prosessen evaluert?",
        True,
    ),
    "arenas[].aim_stated": _q(
        "Is it stated which kind of value the arena pursues: democratic value, efficiency and quality, innovation, or public value?",
        "Er det uttalt hvilken verdi arenaen skal skape: demokratisk verdi, effektivitet og kvalitet, innovasjon eller offentlig verdi?",
        True,
    ),
    "arenas[].value_aim": _q(
        "Which kind of value does the arena mainly pursue: democratic value, efficiency (better or cheaper services), innovation, or public value?",
        "Hvilken verdi skal arenaen først og fremst skape: demokratisk verdi, effektivitet (bedre eller billigere tjenester), innovasjon eller samfunnsmessig verdi?",
    ),
    "arenas[].n3_need": _q(
        "Is there a clear need behind the arena's work?",
        "Ligger det et tydelig behov bak arbeidet på arenaen?",
        True,
    ),
    "arenas[].n3_solution": _q(
        "Is there an idea for a solution?",
        "Finnes det en idé til en løsning?",
        True,
    ),
    "arenas[].n3_driver": _q(
        "Is there a driver who pushes the work forward?",
        "Finnes det en pådriver som driver arbeidet fram?",
        True,
    ),
    "arenas[].n3_team": _q(
        "Is there a team behind the work?",
        "Står det et team bak arbeidet?",
        True,
    ),
    "arenas[].n3_anchoring": _q(
        "Is the work anchored with leaders and owners?",
        "Er arbeidet forankret hos ledere og eiere?",
        True,
    ),
    "arenas[].resourceful_dominate": _q(
        "Do the most resourceful citizens dominate the arena?",
        "Er det de mest ressurssterke innbyggerne som dominerer arenaen?",
        False,
    ),
    "arenas[].snowball_recruitment": _q(
        "Are participants recruited mainly through those who already take part?",
        "Rekrutteres deltakerne hovedsakelig gjennom dem som allerede er med?",
        False,
    ),
    "arenas[].implemented_together": _q(
        "Do the partners also carry out the solution with the municipality, not only find and plan it?",
        "Gjennomfører partnerne også løsningen sammen med kommunen, ikke bare finner og planlegger den?",
        True,
    ),
    "arenas[].found_useful": _q(
        "Do the participants find the arena useful and motivating, with room to exchange experience, communicate and build relations?",
        "Opplever deltakerne arenaen som nyttig og motiverende, med mulighet for erfaringsutveksling, kommunikasjon og relasjonsutvikling?",
        True,
    ),
    "arenas[].mixed_group": _q(
        "Is the group on the arena composed across disciplines, sectors and levels of the hierarchy?",
        "Er gruppen på arenaen sammensatt på tvers av fag, sektorer og nivåer i hierarkiet?",
        True,
    ),
    "arenas[].open_sharing": _q(
        "Do the participants share goals, thoughts, worries and hopes, curious about each other's experience and ideas?",
        "Deler deltakerne målsettinger, tanker, bekymringer og håp, nysgjerrige på hverandres erfaringer og ideer?",
        True,
    ),
    "arenas[].setting_fits_purpose": _q(
        "Are the place, the time of the meetings and the atmosphere chosen for the arena's purpose?",
        "Er stedet, tidspunktet for møtene og atmosfæren valgt ut fra formålet med arenaen?",
        True,
    ),
}

#: Labels of the values of the scales, shown next to the values in the interview.
VALUE_LABELS: dict[str, Text] = {
    "none": Text(en="none", nb="ingen"),
    "low": Text(en="low", nb="lav"),
    "medium": Text(en="medium", nb="middels"),
    "high": Text(en="high", nb="høy"),
    "absent": Text(en="absent", nb="fraværende"),
    "mentioned": Text(en="mentioned", nb="nevnt"),
    "focus_area": Text(en="a focus area", nb="satsingsområde"),
    "main_goal": Text(en="a main goal", nb="hovedmål"),
    "vision": Text(en="the vision", nb="visjon"),
    "few_key_persons": Text(en="a few key persons", nb="noen få nøkkelpersoner"),
    "some_units": Text(en="some units", nb="noen enheter"),
    "broad": Text(en="broadly", nb="bredt"),
    "initiation": Text(en="initiation", nb="initiering"),
    "design": Text(en="design", nb="design"),
    "consultation": Text(
        en="consultation: after the proposal is fixed, before the decision",
        nb="høring: etter at forslaget er ferdig, før vedtaket",
    ),
    "implementation": Text(en="implementation", nb="gjennomføring"),
    "evaluation": Text(en="evaluation", nb="evaluering"),
    "municipality": Text(en="the municipality", nb="kommunen"),
    "citizens": Text(en="citizens", nb="innbyggerne"),
    "volunteers": Text(en="the voluntary sector", nb="frivilligheten"),
    "business": Text(en="business", nb="næringslivet"),
    "mixed": Text(en="several together", nb="flere sammen"),
    "steered": Text(en="steered by the municipality", nb="styrt av kommunen"),
    "responsibilising": Text(en="responsibilising", nb="ansvarliggjørende"),
    "equal": Text(en="equal partners", nb="likeverdig"),
    "facilitating": Text(en="facilitating", nb="tilretteleggende"),
    "passive": Text(en="passive: informants", nb="passive: informanter"),
    "active": Text(en="active: co-creators", nb="aktive: medskapere"),
    "hearing": Text(en="a hearing or input round", nb="en høring eller innspillsrunde"),
    "survey": Text(en="a survey or focus interview", nb="en undersøkelse eller et fokusintervju"),
    "public_meeting": Text(en="a public meeting", nb="et folkemøte"),
    "workshop": Text(en="a workshop", nb="et verksted"),
    "standing_group": Text(en="a standing group or council", nb="en fast gruppe eller et råd"),
    "citizen_project": Text(en="a project citizens initiated", nb="et prosjekt innbyggerne tok initiativ til"),
    "clients": Text(en="clients", nb="klienter"),
    "customers": Text(en="customers", nb="kunder"),
    "partners": Text(en="partners", nb="partnere"),
    "democratic": Text(en="democratic value", nb="demokratisk verdi"),
    "efficiency": Text(en="efficiency and quality", nb="effektivitet og kvalitet"),
    "innovation": Text(en="innovation", nb="innovasjon"),
    "public_value": Text(en="public value", nb="samfunnsmessig verdi"),
    "under": Text(en="under-steered", nb="understyrt"),
    "balanced": Text(en="balanced", nb="balansert"),
    "over": Text(en="over-steered", nb="overstyrt"),
}


def question_for(path: str) -> Optional[FieldQuestion]:
    """The question for a fact path (arena fields as ``arenas[].FIELD``), or ``None``."""
    return QUESTIONS.get(path)


def question_text(path: str, lang: str, default: str) -> str:
    """The interview question for the fact ``path`` (``arenas`` for the arenas themselves) in
    ``lang``, else ``default`` (the field's description)."""
    found = ARENAS_QUESTION if path == "arenas" else question_for(path)
    return found.get(lang) if found is not None else default


def value_text(value: Any, lang: str) -> str:
    """A fact value for a reader of ``lang``: in English as written in a profile (``true``,
    ``main_goal``), in bokmål ``ja``/``nei`` and the label of a scale value (``hovedmål``);
    ``None`` is "unknown"."""
    from ..core.i18n import t

    if value is None:
        return t(lang, "explain.unknown")
    if isinstance(value, (tuple, list)):
        return ", ".join(value_text(v, lang) for v in value)
    if lang == "en":
        return ("true" if value else "false") if isinstance(value, bool) else str(value)
    if isinstance(value, bool):
        return t(lang, "yes" if value else "no")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return value_label(value, lang) if isinstance(value, str) else str(value)


def value_label(value: str, lang: str) -> str:
    """The label of a scale value in ``lang`` (the value itself when there is none)."""
    label = VALUE_LABELS.get(value)
    return label.get(lang) if label else value
