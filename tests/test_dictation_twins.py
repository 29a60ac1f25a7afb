"""Raw dictation and the typed note of the same visit get the same decision and gaps.

Every note here is written for these tests: ordinary injection visits with drugs other than the
B12, ketorolac and ceftriaxone of the corpus twins, said by other speakers (spoken punctuation or
none, number words, routes heard as words, brand and generic names split or heard as ordinary
words, markers). No dictated form of a name here is in a table: names are read by the reader's
phonetic and edit-distance matching, numbers by its number parsing.
"""

from __future__ import annotations

import pytest

from assertions import entity, ents
from cleanclaim.classifier.corpus import GAP_CODES

_CODES = set(GAP_CODES)


def outcome(review) -> tuple[bool, tuple[str, ...]]:
    """The decision and the gaps the dictation evaluation compares (blocking + SITE_MISSING)."""
    return bool(review.claim_ready), tuple(sorted(set(review.gap_codes) & _CODES))


TWINS = [
    pytest.param(
        "nurse visit period patient here for her birth control injection period last injection was twelve weeks ago comma urine pregnancy test negative period deep oh pro vera one fifty milligrams given I am in the right deltoid period tolerated well comma no reaction period next injection due in eleven to thirteen weeks period given by Kelly L P N period",
        "Nurse visit. Pt here for birth control injection. Last injection 12 weeks ago, UPT negative. Depo-Provera 150 mg given IM R deltoid. Tolerated well, no reaction. Next due in 11-13 wks. Given by Kelly LPN.",
        True,
        (),
        id="depo",
    ),
    pytest.param(
        "follow up visit for hypogonadism comma total testosterone last month was low period today testosterone sip ee oh nate two hundred milligrams one m l injected intra muscular into the left vastus lateralis by nurse Diaz period no complications period",
        "F/u hypogonadism, total testosterone low last month. Today testosterone cypionate 200 mg (1 mL) injected IM L vastus lateralis by RN Diaz. No complications.",
        True,
        (),
        id="testo",
    ),
    pytest.param(
        "new paragraph chief complaint colon migraine headache since this morning with photophobia period history of migraine without aura period sue ma trip tan six milligrams was given sub cutaneously in the left thigh by R N Lopez period headache improved after forty minutes period",
        "CC: migraine headache since this AM with photophobia. Hx migraine without aura. Sumatriptan 6 mg given SC L thigh by RN Lopez. Headache improved after 40 min.",
        True,
        (),
        id="suma",
    ),
    pytest.param(
        "acute gastroenteritis with nausea and vomiting times six today comma unable to keep fluids down period pro meth a zeen twenty five milligrams I M right glute given by Maria M A period oral rehydration instructions given period",
        "Acute gastroenteritis with N/V x6 today, unable to keep fluids down. Promethazine 25 mg IM R gluteal given by Maria MA. ORT instructions given.",
        True,
        (),
        id="prometh",
    ),
    pytest.param(
        "pregnant patient eleven weeks with hyperemesis comma vomiting since yesterday period on dan sa tron four milligrams eye em left deltoid period given by nurse Chen period patient to push fluids period",
        "Pregnant pt 11 wks with hyperemesis, vomiting since yesterday. Ondansetron 4 mg IM L deltoid, given by RN Chen. Push fluids.",
        True,
        (),
        id="ondan",
    ),
    pytest.param(
        "seasonal allergic rhinitis comma severe comma failed nasal steroids and antihistamines period can a log forty milligrams I M in the right upper outer quadrant of the buttock period given by nurse Webb period",
        "Seasonal allergic rhinitis, severe, failed nasal steroids and antihistamines. Kenalog 40 mg IM R upper outer quadrant buttock. Given by RN Webb.",
        True,
        (),
        id="kenalog",
    ),
    pytest.param(
        "asthma exacerbation comma moderate comma wheezing bilaterally period dex a meth a zone ten milligrams given I. M. left gluteal by Tom R N period peak flow improved after neb period",
        "Asthma exacerbation, moderate, bilateral wheezing. Dexamethasone 10 mg given IM L gluteal by Tom RN. Peak flow improved after neb.",
        True,
        (),
        id="dexa",
    ),
    pytest.param(
        "primary syphilis comma painless chancre comma R P R reactive period bi sill in L A two point four million units intra muscularly in the right ventrogluteal given by nurse Park period observed thirty minutes period",
        "Primary syphilis, painless chancre, RPR reactive. Bicillin L-A 2.4 million units IM R ventrogluteal given by RN Park. Observed 30 min.",
        True,
        (),
        id="bicillin",
    ),
    pytest.param(
        "schizophrenia comma stable on monthly injection period in vague a sustain a two thirty four milligrams I M left deltoid given by L P N Grant period no side effects reported period",
        "Schizophrenia, stable on monthly injection. Invega Sustenna 234 mg IM L deltoid given by LPN Grant. No side effects reported.",
        True,
        (),
        id="invega",
    ),
    pytest.param(
        "bipolar one disorder comma maintenance period a bill if I main tena four hundred milligrams given I am right gluteal by nurse Scott period patient tolerated period",
        "Bipolar I disorder, maintenance. Abilify Maintena 400 mg given IM R gluteal by RN Scott. Pt tolerated.",
        True,
        (),
        id="abilify",
    ),
    pytest.param(
        "alcohol use disorder comma moderate comma in early remission period viva trawl three eighty milligrams I M left gluteal by nurse Adams period tolerated period",
        "Alcohol use disorder, moderate, early remission. Vivitrol 380 mg IM L gluteal by RN Adams. Tolerated.",
        True,
        (),
        id="vivitrol",
    ),
    pytest.param(
        "opioid use disorder comma severe comma on maintenance period sub low Kade three hundred milligrams sub Q abdomen given by nurse Hill period next dose in one month period",
        "Opioid use disorder, severe, on maintenance. Sublocade 300 mg SC abdomen given by RN Hill. Next dose in 1 month.",
        True,
        (),
        id="sublocade",
    ),
    pytest.param(
        "postmenopausal osteoporosis comma T score minus two point eight period pro Leah sixty milligrams sub-Q back of the right arm given by nurse Young period calcium and vitamin D continued period",
        "Postmenopausal osteoporosis, T-score -2.8. Prolia 60 mg SC back of R arm given by RN Young. Calcium and vitamin D continued.",
        True,
        (),
        id="prolia",
    ),
    pytest.param(
        "status post right knee replacement comma D V T prophylaxis period love in ox forty milligrams sub cue left lower abdomen given by R N Baker period",
        "S/p R TKA, DVT prophylaxis. Lovenox 40 mg SC LLQ abdomen given by RN Baker.",
        True,
        (),
        id="lovenox",
    ),
    pytest.param(
        "acute urticaria with intense itching period vista rill fifty milligrams I M right deltoid given by M A Torres period hives fading at discharge period",
        "Acute urticaria with intense pruritus. Vistaril 50 mg IM R deltoid given by MA Torres. Hives fading at discharge.",
        True,
        (),
        id="vistaril",
    ),
    pytest.param(
        "allergic reaction to a bee sting comma hives on both arms comma no airway involvement period ben a drill fifty milligrams I. M. left deltoid by nurse Ford period observed one hour period",
        "Allergic reaction to bee sting, hives both arms, no airway involvement. Benadryl 50 mg IM L deltoid by RN Ford. Observed 1 hr.",
        True,
        (),
        id="benadryl",
    ),
    pytest.param(
        "C O P D exacerbation period sue lo med roll one twenty five milligrams I M right gluteal given by nurse Reed period start prednisone tomorrow period",
        "COPD exacerbation. Solu-Medrol 125 mg IM R gluteal given by RN Reed. Start prednisone tomorrow.",
        True,
        (),
        id="solumedrol",
    ),
    pytest.param(
        "acute agitation in patient with schizophrenia comma refused oral medication period zip rex a ten milligrams I M left deltoid given by nurse Evans period calmer after thirty minutes period",
        "Acute agitation, schizophrenia, refused PO meds. Zyprexa 10 mg IM L deltoid given by RN Evans. Calmer after 30 min.",
        False,
        ("DX_MISSING",),
        id="zyprexa",
    ),
    pytest.param(
        "schizophrenia comma due for long acting injection period hal doll deck a no ate one hundred milligrams I M right gluteal given by nurse Owens period",
        "Schizophrenia, due for long-acting injection. Haldol decanoate 100 mg IM R gluteal given by RN Owens.",
        True,
        (),
        id="haldol",
    ),
    pytest.param(
        "twenty eight weeks pregnant comma blood type A negative comma antibody screen negative period row gam three hundred micrograms I M left deltoid given by nurse Bell period",
        "28 wks pregnant, A neg, antibody screen neg. RhoGAM 300 mcg IM L deltoid given by RN Bell.",
        False,
        ("DX_NOT_SUPPORTED",),
        id="rhogam",
    ),
    pytest.param(
        "acute muscle spasm of the lower back after lifting period nor flex sixty milligrams I M right gluteal given by M A Cruz period heat and stretching period",
        "Acute muscle spasm low back after lifting. Norflex 60 mg IM R gluteal given by MA Cruz. Heat and stretching.",
        True,
        (),
        id="norflex",
    ),
    pytest.param(
        "severe persistent allergic asthma period zole air one fifty milligrams sub Q right deltoid given by nurse Price period observed thirty minutes for anaphylaxis period",
        "Severe persistent allergic asthma. Xolair 150 mg SC R deltoid given by RN Price. Observed 30 min for anaphylaxis.",
        True,
        (),
        id="xolair",
    ),
    pytest.param(
        "contraception visit period depo pro vera [inaudible] given I M left deltoid by nurse King period",
        "Contraception visit. Depo-Provera given IM L deltoid by RN King.",
        False,
        ("DOSE_MISSING",),
        id="depo_nodose",
    ),
    pytest.param(
        "nausea and vomiting period fen er gan twenty five milligrams given in the left deltoid by nurse Fox period",
        "Nausea and vomiting. Phenergan 25 mg given L deltoid by RN Fox.",
        False,
        ("ROUTE_MISSING",),
        id="phenergan_noroute",
    ),
    pytest.param(
        "hypogonadism follow up period testosterone sip eon ate due today but patient declined the injection period will return next week period",
        "Hypogonadism f/u. Testosterone cypionate due today but pt declined injection. Will return next week.",
        False,
        ("NOT_ADMINISTERED",),
        id="testo_declined",
    ),
    pytest.param(
        "nausea with migraine period on dan set ron four milligrams I M given by nurse Lane period",
        "Nausea with migraine. Ondansetron 4 mg IM given by RN Lane.",
        True,
        ("SITE_MISSING",),
        id="nosite",
    ),
    pytest.param(
        "this is a 24 year old here for contraception she had her last shot 12 weeks ago urine pregnancy negative today we gave medroxy progesterone 150 milligrams intramuscular in the left deltoid she tolerated it fine next one in 12 weeks",
        "24 yo here for contraception. Last shot 12 weeks ago. UPT negative today. Medroxyprogesterone 150 mg IM L deltoid, tolerated. Next in 12 weeks.",
        True,
        (),
        id="nopunct_depo",
    ),
    pytest.param(
        "hypogonadism period testosterone cypionate one hundred milligrams scratch that two hundred milligrams given I M right glute by nurse Vega period",
        "Hypogonadism. Testosterone cypionate 200 mg given IM R gluteal by RN Vega.",
        True,
        (),
        id="scratch",
    ),
    pytest.param(
        "allergic rhinitis flare period forty of kenalog I M right upper outer quadrant given by M A Boyd period",
        "Allergic rhinitis flare. Kenalog 40 mg IM R upper outer quadrant given by MA Boyd.",
        True,
        (),
        id="forty_of",
    ),
    pytest.param(
        "pediatric patient weight twenty kilograms with nausea and vomiting from gastroenteritis period ondansetron zero point one five milligrams per kilogram equals three milligrams I M right thigh given by nurse Nash period",
        "Pediatric pt, wt 20 kg, N/V from gastroenteritis. Ondansetron 0.15 mg/kg = 3 mg IM R thigh given by RN Nash.",
        True,
        (),
        id="mg_per_kg",
    ),
    pytest.param(
        "type two diabetes comma hypoglycemia in clinic with glucose forty two and unable to take anything by mouth period glucagon one milligram sub cut right thigh given by nurse Ross period",
        "T2DM, hypoglycemia in clinic, glucose 42, unable to take PO. Glucagon 1 mg SC R thigh given by RN Ross.",
        True,
        (),
        id="subcut_words",
    ),
    pytest.param(
        "dehydration and vomiting period promethazine twelve point five milligrams eye vee push then promethazine twelve point five milligrams I M left deltoid given by nurse Kim period",
        "Dehydration and vomiting. Promethazine 12.5 mg IV push, then promethazine 12.5 mg IM L deltoid given by RN Kim.",
        False,
        ("ROUTE_CONFLICT",),
        id="eye_vee_conflict",
    ),
    pytest.param(
        "migraine period sumatriptan six milligrams sub Q [inaudible] given by nurse Dale period",
        "Migraine. Sumatriptan 6 mg SC given by RN Dale.",
        True,
        ("SITE_MISSING",),
        id="inaudible_site",
    ),
    pytest.param(
        "acute low back strain period orphenadrine sixty milligrams [inaudible] right gluteal given by nurse Cole period",
        "Acute low back strain. Orphenadrine 60 mg right gluteal given by RN Cole.",
        False,
        ("ROUTE_MISSING",),
        id="inaudible_route",
    ),
    pytest.param(
        "acute migraine with vomiting period gave compa zeen ten milligrams I M right deltoid and bena drill twenty five milligrams I M left deltoid by nurse Lee period",
        "Acute migraine with vomiting. Compazine 10 mg IM R deltoid and Benadryl 25 mg IM L deltoid by RN Lee.",
        False,
        ("DX_NOT_SUPPORTED",),
        id="two_drugs",
    ),
    pytest.param(
        "type one diabetes with hyperglycemia glucose three eighty period regular insulin ten units sub Q abdomen by nurse Gray period",
        "Type 1 DM with hyperglycemia, glucose 380. Regular insulin 10 units SC abdomen by RN Gray.",
        True,
        (),
        id="insulin_sub_q",
    ),
    pytest.param(
        "congestive heart failure with leg swelling period lay six forty milligrams I M right deltoid given by nurse Hale period",
        "CHF with leg swelling. Lasix 40 mg IM R deltoid given by RN Hale.",
        True,
        (),
        id="lasix",
    ),
    pytest.param(
        "nausea and vomiting period phenergan twenty five milligrams I M left gloo teal given by nurse Moss period",
        "Nausea and vomiting. Phenergan 25 mg IM L gluteal given by RN Moss.",
        True,
        (),
        id="phenergan_gloo",
    ),
    pytest.param(
        "schizophrenia period invega sustenna one fifty six milligrams I M write deltoid by nurse Lyle period",
        "Schizophrenia. Invega Sustenna 156 mg IM R deltoid by RN Lyle.",
        True,
        (),
        id="right_heard",
    ),
    pytest.param(
        "newborn visit period vitamin K point five milligrams I M left vastus lateralis given by nurse Fern period prophylaxis of vitamin k deficiency bleeding period",
        "Newborn visit. Vitamin K 0.5 mg IM L vastus lateralis given by RN Fern. Prophylaxis of vitamin K deficiency bleeding.",
        False,
        ("DX_MISSING",),
        id="vitk_newborn",
    ),
    pytest.param(
        "next line diagnosis colon opioid use disorder next line medication colon vivitrol three hundred eighty milligrams next line route colon I M next line site colon right gluteal next line given by colon nurse Ames",
        "Diagnosis: opioid use disorder\nMedication: Vivitrol 380 mg\nRoute: IM\nSite: right gluteal\nGiven by: RN Ames",
        True,
        (),
        id="nextline",
    ),
    pytest.param(
        "patient reports he had a shot of whiskey last night for his back pain period offered toradol injection but he declined period",
        "Pt reports a shot of whiskey last night for back pain. Offered Toradol injection but declined.",
        False,
        ("NOT_ADMINISTERED",),
        id="declined_shot_whiskey",
    ),
    pytest.param(
        "allergic rhinitis period Kenneth log forty milligrams I M right gluteal given by nurse Poe period",
        "Allergic rhinitis. Kenalog 40 mg IM R gluteal given by RN Poe.",
        True,
        (),
        id="kenneth",
    ),
    pytest.param(
        "viral gastroenteritis with vomiting period fenner gun twenty five milligrams I M left gluteal given by nurse Roy period",
        "Viral gastroenteritis with vomiting. Phenergan 25 mg IM L gluteal given by RN Roy.",
        True,
        (),
        id="fenner",
    ),
    pytest.param(
        "nausea and vomiting period so fran four milligrams I M right deltoid given by nurse Sims period",
        "Nausea and vomiting. Zofran 4 mg IM R deltoid given by RN Sims.",
        True,
        (),
        id="sofran",
    ),
    pytest.param(
        "migraine without aura period I'm a tricks six milligrams sub cue left thigh given by nurse Bo period",
        "Migraine without aura. Imitrex 6 mg SC L thigh given by RN Bo.",
        True,
        (),
        id="imatricks",
    ),
    pytest.param(
        "acute asthma exacerbation period decade Ron ten milligrams I M right deltoid given by nurse Ray period",
        "Acute asthma exacerbation. Decadron 10 mg IM R deltoid given by RN Ray.",
        True,
        (),
        id="decade",
    ),
    pytest.param(
        "opioid overdose period nar can zero point four milligrams I M right thigh given by nurse Quinn period",
        "Opioid overdose. Narcan 0.4 mg IM R thigh given by RN Quinn.",
        True,
        (),
        id="narcan",
    ),
    pytest.param(
        "acute dystonic reaction period co Jenton two milligrams I M left deltoid given by nurse Rice period",
        "Acute dystonic reaction. Cogentin 2 mg IM L deltoid given by RN Rice.",
        True,
        (),
        id="cogentin",
    ),
    pytest.param(
        "acute agitation with bipolar disorder period geo Don twenty milligrams I M right deltoid given by nurse Amos period",
        "Acute agitation, bipolar disorder. Geodon 20 mg IM R deltoid given by RN Amos.",
        True,
        (),
        id="geodon",
    ),
    pytest.param(
        "male hypogonadism period test Oster own sip eon ate two hundred milligrams I M left glute given by nurse Cobb period",
        "Male hypogonadism. Testosterone cypionate 200 mg IM L gluteal given by RN Cobb.",
        True,
        (),
        id="testoster",
    ),
    pytest.param(
        "moderate to severe atopic dermatitis period do pix sent three hundred milligrams sub Q right thigh given by nurse Hart period",
        "Moderate-severe atopic dermatitis. Dupixent 300 mg SC R thigh given by RN Hart.",
        True,
        (),
        id="dupixent",
    ),
    pytest.param(
        "schizophrenia period Harris Todd a eight eighty two milligrams I M left deltoid given by nurse Finch period",
        "Schizophrenia. Aristada 882 mg IM L deltoid given by RN Finch.",
        True,
        (),
        id="aristada",
    ),
    pytest.param(
        "osteoporosis period prolia sixty milligrams sub Q ab doman given by nurse Lark period",
        "Osteoporosis. Prolia 60 mg SC abdomen given by RN Lark.",
        True,
        (),
        id="site_abdoman",
    ),
    pytest.param(
        "hypogonadism period testosterone enanthate one hundred milligrams in the muscle left thigh given by nurse Page period",
        "Hypogonadism. Testosterone enanthate 100 mg IM L thigh given by RN Page.",
        True,
        (),
        id="route_inmuscle",
    ),
    pytest.param(
        "acute gout flare period depo medrol eighty milligrams intra muscular lee left glute given by nurse Gale period",
        "Acute gout flare. Depo-Medrol 80 mg IM L gluteal given by RN Gale.",
        True,
        (),
        id="route_intramusc_lee",
    ),
    pytest.param(
        "postmenopausal osteoporosis period prolia sixty milligrams S. C. right upper arm given by nurse Dunn period",
        "Postmenopausal osteoporosis. Prolia 60 mg SC R upper arm given by RN Dunn.",
        True,
        (),
        id="route_sc_dots",
    ),
    pytest.param(
        "D V T prophylaxis period enoxaparin forty milligrams subcu abdomen given by nurse Fry period",
        "DVT prophylaxis. Enoxaparin 40 mg SC abdomen given by RN Fry.",
        True,
        (),
        id="route_subcu",
    ),
    pytest.param(
        "migraine period I'm a trex six milligrams given I am left deltoid by nurse Burke period",
        "Migraine. Imitrex 6 mg given IM L deltoid by RN Burke.",
        True,
        (),
        id="imitrex_im",
    ),
    pytest.param(
        "I am seeing her for a sore throat period I am not giving antibiotics today period no injection given period",
        "Seeing her for sore throat. No antibiotics today. No injection given.",
        False,
        ("NOT_ADMINISTERED",),
        id="neg_iam",
    ),
    pytest.param(
        "last menstrual period was two weeks ago period she is here to discuss birth control options period no injection today period",
        "LMP 2 weeks ago. Here to discuss birth control options. No injection today.",
        False,
        ("NOT_ADMINISTERED",),
        id="neg_menstrual",
    ),
    pytest.param(
        "nausea and vomiting period ondansetron four M G I M left deltoid given by nurse Ash period",
        "Nausea and vomiting. Ondansetron 4 mg IM L deltoid given by RN Ash.",
        True,
        (),
        id="mg_letters",
    ),
    pytest.param(
        "acute back spasm period orphenadrine sixty em gee eye em right glute by nurse Bly period",
        "Acute back spasm. Orphenadrine 60 mg IM R gluteal by RN Bly.",
        True,
        (),
        id="em_gee",
    ),
    pytest.param(
        "pernicious anemia period cyanocobalamin one thousand micrograms which is one c c's given intra muscularly left deltoid by nurse Cox period",
        "Pernicious anemia. Cyanocobalamin 1000 mcg (1 cc) given IM L deltoid by RN Cox.",
        True,
        (),
        id="half_cc",
    ),
    pytest.param(
        "hypogonadism period testosterone cypionate two hundred milligrams intra muscle early right vastus lateralis by nurse Dix period",
        "Hypogonadism. Testosterone cypionate 200 mg IM R vastus lateralis by RN Dix.",
        True,
        (),
        id="intramuscle_early",
    ),
    pytest.param(
        "schizophrenia period haloperidol decanoate fifty milligrams I M left ventro glue teal by nurse Elm period",
        "Schizophrenia. Haloperidol decanoate 50 mg IM L ventrogluteal by RN Elm.",
        True,
        (),
        id="ventro_glue",
    ),
    pytest.param(
        "infant with vitamin K deficiency bleeding risk period phytonadione one milligram I M right vastus lateral is by nurse Fay period",
        "Infant, vitamin K deficiency bleeding risk. Phytonadione 1 mg IM R vastus lateralis by RN Fay.",
        False,
        ("DX_MISSING",),
        id="vastus_is",
    ),
    pytest.param(
        "migraine period sumatriptan *** milligrams sub Q left thigh by nurse Gus period",
        "Migraine. Sumatriptan mg SC L thigh by RN Gus.",
        False,
        ("DOSE_MISSING",),
        id="stars",
    ),
    pytest.param(
        "asthma exacerbation period dexamethasone ten milligrams I.M right deltoid by nurse Hob period",
        "Asthma exacerbation. Dexamethasone 10 mg IM R deltoid by RN Hob.",
        True,
        (),
        id="im_dot",
    ),
    pytest.param(
        "new paragraph history colon forty two year old with acute gout of the left great toe new paragraph procedure colon triamcinolone forty milligrams I M left gluteal by nurse Ivy new paragraph",
        "History: 42 yo with acute gout L great toe.\nProcedure: Triamcinolone 40 mg IM L gluteal by RN Ivy.",
        True,
        (),
        id="new_para",
    ),
    pytest.param(
        "schizophrenia period paliperidone palmitate open paren invega sustenna close paren two thirty four milligrams I M right deltoid by nurse Jo period",
        "Schizophrenia. Paliperidone palmitate (Invega Sustenna) 234 mg IM R deltoid by RN Jo.",
        True,
        (),
        id="open_paren",
    ),
    pytest.param(
        "syphilis latent period benzathine penicillin two point four million units I M divided between both gluteal muscles by nurse Kay period",
        "Latent syphilis. Benzathine penicillin 2.4 million units IM divided between both gluteal muscles by RN Kay.",
        True,
        (),
        id="units_million",
    ),
    pytest.param(
        "contraception period depo sub Q one oh four milligrams sub Q left abdomen by nurse Lu period",
        "Contraception. Depo-SubQ Provera 104 mg SC L abdomen by RN Lu.",
        True,
        (),
        id="medroxy_sq",
    ),
    pytest.param(
        "rheumatoid arthritis period methotrexate twenty five milligrams sub Q abdomen by nurse Mo period",
        "Rheumatoid arthritis. Methotrexate 25 mg SC abdomen by RN Mo.",
        False,
        ("ANTINEOPLASTIC",),
        id="cc_dose",
    ),
    pytest.param(
        "hypoglycemia unresponsive period glucagon one milligram I M left deltoid given by E M T period",
        "Hypoglycemia, unresponsive. Glucagon 1 mg IM L deltoid given by EMT.",
        True,
        (),
        id="glucagon_one",
    ),
    pytest.param(
        "nausea period promethazine twenty five milligrams right deltoid by nurse Ned period",
        "Nausea. Promethazine 25 mg R deltoid by RN Ned.",
        False,
        ("ROUTE_MISSING",),
        id="no_route_words",
    ),
    pytest.param(
        "hyperglycemia type two diabetes period regular insulin eight units S Q abdomen by nurse Oz period",
        "Hyperglycemia, T2DM. Regular insulin 8 units SQ abdomen by RN Oz.",
        True,
        (),
        id="sq_letters",
    ),
    pytest.param(
        "hypogonadism period testosterone enanthate two hundred milligrams I M right gluteal period patient says the waiting period for the pharmacy was long period by nurse Pru",
        "Hypogonadism. Testosterone enanthate 200 mg IM R gluteal. Pt says the waiting period for the pharmacy was long. By RN Pru.",
        True,
        (),
        id="period_inside",
    ),
    pytest.param(
        "cellulitis of the left leg period cefazolin one gram I M right gluteal by nurse Rue period",
        "Cellulitis of L leg. Cefazolin 1 g IM R gluteal by RN Rue.",
        True,
        (),
        id="ceph_words",
    ),
]


@pytest.mark.parametrize(("dictated", "typed", "ready", "gaps"), TWINS)
def test_dictation_agrees_with_its_typed_twin(reviewer, dictated, typed, ready, gaps):
    typed_outcome = outcome(reviewer.review(typed))
    assert typed_outcome == (ready, gaps)
    assert outcome(reviewer.review(dictated)) == typed_outcome


# The mechanisms these twins needed, each with what it must not invent -------------------------


def test_syllables_of_a_heard_name_are_not_context_cues(reviewer):
    # "no" of "deck a no ate" is a syllable of decanoate, not a negation of what follows
    note = (
        "schizophrenia period hal doll deck a no ate one hundred milligrams I M right gluteal "
        "given by nurse Owens period"
    )
    r = reviewer.review(note)
    assert entity(r, "hal doll deck a no ate", "DRUG").norm == "haloperidol_decanoate"
    (adm,) = r.administrations
    assert adm.given and adm.dose == "100 mg" and adm.route_code == "IM"
    assert r.claim_ready


def test_a_said_no_still_negates(reviewer):
    note = (
        "schizophrenia period no haloperidol decanoate one hundred milligrams given today "
        "period she refused period"
    )
    r = reviewer.review(note)
    assert not r.claim_ready
    assert not any(a.given for a in r.administrations)


def test_i_m_as_a_syllable_of_a_name(reviewer):
    note = "migraine period I'm a trex six milligrams given I am left deltoid by nurse Burke period"
    r = reviewer.review(note)
    assert entity(r, "I'm a trex", "DRUG").norm == "sumatriptan"
    assert [e.text for e in ents(r, "ROUTE")] == ["I am"]


def test_i_m_pronoun_is_no_name_and_no_route(reviewer):
    note = (
        "I'm a little worried about her knee period ketorolac sixty milligrams I M left deltoid "
        "for acute knee pain period"
    )
    r = reviewer.review(note)
    assert [e.norm for e in ents(r, "DRUG")] == ["ketorolac"]
    assert [e.text for e in ents(r, "ROUTE")] == ["I M"]


def test_a_name_ending_in_a_number_word_leaves_the_dose(reviewer):
    note = (
        "congestive heart failure with leg swelling period lay six forty milligrams I M right "
        "deltoid given by nurse Hale period"
    )
    r = reviewer.review(note)
    assert entity(r, "lay six", "DRUG").norm == "furosemide"
    assert entity(r, "forty milligrams", "DOSE").normalized == "40 mg"
    (adm,) = r.administrations
    assert adm.dose == "40 mg"


def test_number_words_before_a_dose_without_a_name_stay_the_number(reviewer):
    r = reviewer.review("we gave two forty milligrams I M right deltoid period")
    assert not ents(r, "DRUG")
    assert entity(r, "two forty milligrams", "DOSE").normalized == "240 mg"


@pytest.mark.parametrize(
    ("said", "dose", "norm"),
    [
        ("Kenneth log", "forty milligrams I M", "triamcinolone_acetonide"),
        ("Harris Todd a", "eight eighty two milligrams I M", "aripiprazole_lauroxil"),
        ("do pix sent", "three hundred milligrams sub Q", "dupilumab"),
        ("so fran", "four milligrams I M", "ondansetron"),
        ("on dan set ron", "four milligrams I M", "ondansetron"),
    ],
)
def test_names_heard_as_ordinary_words_right_before_a_dose(reviewer, said, dose, norm):
    r = reviewer.review(f"acute illness period {said} {dose} right deltoid by nurse Lee period")
    assert entity(r, said, "DRUG").norm == norm


@pytest.mark.parametrize(
    "note",
    [
        "vitamin D one thousand units daily by mouth period",
        "she needs an extra forty milligrams daily period",
        "we gave forty milligrams I M today for pain period",
        "the powder was diluted in ten m l and drawn up period",
        "we gave four milligrams I M period",
    ],
)
def test_ordinary_words_before_a_dose_are_not_read_as_a_name(reviewer, note):
    r = reviewer.review(note)
    assert not [e for e in ents(r, "DRUG") if e.how], [(e.text, e.norm) for e in ents(r, "DRUG")]


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("one five zero milligrams", "150 mg"),
        ("one zero zero zero micrograms", "1000 mcg"),
        ("one oh four milligrams", "104 mg"),
        ("half a c c", "0.5 mL"),
        ("point five CCs", "0.5 mL"),
        ("one c.c.", "1 mL"),
        ("two fifty M C G", "250 mcg"),
        ("a gram", "1 g"),
    ],
)
def test_doses_said_digit_by_digit_or_with_a_or_half(reviewer, said, read):
    r = reviewer.review(f"cellulitis period cefazolin {said} I M right deltoid period")
    (dose,) = ents(r, "DOSE")
    assert dose.normalized == read, (dose.text, dose.normalized)


@pytest.mark.parametrize(
    "note",
    [
        "transfused a unit of packed cells period",
        "she had a half day of work and two four year old twins period",
        "A gram stain of the fluid showed no organisms period",
        "room one oh four period",
    ],
)
def test_a_half_and_digit_words_without_a_unit_are_no_dose(reviewer, note):
    assert not ents(reviewer.review(note), "DOSE")


@pytest.mark.parametrize(
    ("said", "norm"),
    [
        ("Kenneth log", "triamcinolone_acetonide"),
        ("vivid troll", "naltrexone_extended_release"),
        ("love and ox", "enoxaparin"),
        ("so fran", "ondansetron"),
    ],
)
def test_names_heard_as_ordinary_words_right_before_injection_or_shot(reviewer, said, norm):
    note = (
        f"the patient received her {said} injection today comma one hundred milligrams I M "
        "right deltoid by nurse Lee period"
    )
    assert entity(reviewer.review(note), said, "DRUG").norm == norm


def test_an_article_before_a_heard_name_is_not_its_syllable(reviewer):
    r = reviewer.review("back pain period she got a tore a doll shot in the right glute period")
    assert entity(r, "tore a doll", "DRUG").norm == "ketorolac"


@pytest.mark.parametrize(
    "note",
    [
        "she had a flu shot and a booster shot last fall period",
        "he asked about a knee joint injection and a trigger point injection period",
        "he took a long shot at the goal period",
    ],
)
def test_ordinary_words_before_injection_or_shot_are_not_read_as_a_name(reviewer, note):
    r = reviewer.review(note)
    assert not [e for e in ents(r, "DRUG") if e.how], [(e.text, e.norm) for e in ents(r, "DRUG")]


# Round dict6: categories found by the second set of corpus twins ----------------------------


TWINS_DICT6 = [
    pytest.param(
        "community acquired pneumonia and COPD exacerbation period solu medrol forty "
        "milligrams I M right deltoid and roe sef in I M left glute given by nurse Ito period",
        "Community acquired pneumonia and COPD exacerbation. Solu-Medrol 40 mg IM R deltoid and "
        "Rocephin IM L glute given by RN Ito.",
        False,
        ("DOSE_MISSING",),
        id="name_before_route_no_dose",
    ),
    pytest.param(
        "schizophrenia here for his monthly shot doing well no side effects in vega sue stena "
        "one fifty six milligrams I M right deltoid given by nurse Abe next dose in four weeks",
        "Schizophrenia, here for monthly shot, doing well. No side effects. Invega Sustenna "
        "156 mg IM R deltoid given by RN Abe. Next dose in 4 weeks.",
        True,
        (),
        id="unpunctuated_negated_finding_then_drug",
    ),
    pytest.param(
        "assessment colon ankle sprain period plan colon ketorolac sixty milligrams in the "
        "muscle left upper outer buttock period tolerated well period ice and elevation period",
        "Assessment: ankle sprain.\nPlan: ketorolac 60 mg IM left upper outer buttock. Tolerated "
        "well. Ice and elevation.",
        True,
        (),
        id="plan_line_then_tolerated",
    ),
    pytest.param(
        "thirty two weeks pregnant comma R H negative comma antibody screen negative period "
        "row gam three hundred micrograms I M left deltoid given by nurse Kay period",
        "32 weeks pregnant, Rh negative, antibody screen negative. RhoGAM 300 mcg IM L deltoid "
        "given by RN Kay.",
        True,
        (),
        id="rh_said_as_letters",
    ),
]


@pytest.mark.parametrize(("dictated", "typed", "ready", "gaps"), TWINS_DICT6)
def test_dict6_dictation_agrees_with_its_typed_twin(reviewer, dictated, typed, ready, gaps):
    typed_outcome = outcome(reviewer.review(typed))
    assert typed_outcome == (ready, gaps)
    assert outcome(reviewer.review(dictated)) == typed_outcome


def test_a_name_in_pieces_right_before_a_route_is_read(reviewer):
    r = reviewer.review("pyelonephritis period sef tree axe own I M left glute given period")
    assert entity(r, "sef tree axe own", "DRUG").norm == "ceftriaxone"


@pytest.mark.parametrize(
    "note",
    [
        "we hold all IV fluids until she eats period",
        "please hold all I V medications tonight period",
        "it tracks IV access sites for the nurses period",
    ],
)
def test_ordinary_words_before_a_route_are_not_read_as_a_name(reviewer, note):
    r = reviewer.review(note)
    assert not ents(r, "DRUG"), [(e.text, e.norm) for e in ents(r, "DRUG")]


@pytest.mark.parametrize(
    "note",
    [
        # the cue right before the drug still negates it
        "migraine period no Toradol sixty milligrams I M today period patient refused period",
        # a comma or a label keeps the typed reading: the negation may reach the drug
        "migraine. Not given: ondansetron 4 mg IM.",
    ],
)
def test_a_negation_next_to_the_drug_still_negates(reviewer, note):
    r = reviewer.review(note)
    assert not r.claim_ready
    assert not any(a.given for a in r.administrations)


def test_a_negated_finding_before_a_drug_does_not_negate_it(reviewer):
    r = reviewer.review(
        "migraine without aura no nausea sumatriptan six milligrams sub Q left thigh given by "
        "nurse Ray"
    )
    assert entity(r, "nausea", "DIAGNOSIS").negated
    assert not entity(r, "sumatriptan", "DRUG").negated
    assert r.claim_ready


def test_a_plan_line_alone_stays_planned(reviewer):
    for note in (
        "Dx: ankle sprain.\nPlan: ketorolac 60 mg IM deltoid.",
        "assessment colon ankle sprain period plan colon ketorolac sixty milligrams in the muscle "
        "left upper outer buttock period ice period",
        "Dx: ankle sprain.\nPlan: order ketorolac 60 mg IM left gluteal.",
        "Dx: ankle sprain.\nPlan: will give ketorolac 60 mg IM left gluteal next visit.",
    ):
        r = reviewer.review(note)
        assert not r.claim_ready, note
        assert "NOT_ADMINISTERED" in r.gap_codes, note


@pytest.mark.parametrize(
    "said",
    [
        "does not meet criteria for hypogonadism",
        "I am not comfortable calling this hypogonadism",
        "labs not consistent with hypogonadism",
    ],
)
def test_a_diagnosis_the_clinician_does_not_make_does_not_support(reviewer, said):
    r = reviewer.review(
        f"fatigue and low libido period testosterone normal period {said} period testosterone "
        "cypionate one hundred milligrams I M right glute given by nurse period"
    )
    assert entity(r, "hypogonadism", "DIAGNOSIS").negated
    assert not r.claim_ready
    assert "DX_NOT_SUPPORTED" in r.gap_codes


def test_a_diagnosis_made_after_criteria_were_met_supports(reviewer):
    r = reviewer.review(
        "meets criteria for hypogonadism with two low morning levels period testosterone "
        "cypionate one hundred milligrams I M right glute given by nurse period"
    )
    assert not entity(r, "hypogonadism", "DIAGNOSIS").negated
    assert r.claim_ready


def test_letters_of_an_abbreviation_without_vowels_are_not_read_elsewhere(reviewer):
    r = reviewer.review("the H R was ninety and R R sixteen period")
    assert not ents(r, "DIAGNOSIS")


def test_a_site_word_may_open_a_drug_heard_right_before_its_dose(reviewer):
    r = reviewer.review(
        "alcohol use disorder with poor intake period given colon thigh a mean one hundred "
        "milligrams I M left deltoid by nurse Oro period"
    )
    assert entity(r, "thigh a mean", "DRUG").norm == "thiamine"


@pytest.mark.parametrize(
    "note",
    [
        "injected into the left thigh a mean of forty milligrams I M period",
        "right thigh and arm one hundred milligrams I M period",
        "thigh a mean of ten centimeters swelling period",
    ],
)
def test_a_site_with_its_side_or_without_a_dose_stays_a_site(reviewer, note):
    r = reviewer.review(note)
    assert not [e for e in ents(r, "DRUG") if e.how], [(e.text, e.norm) for e in ents(r, "DRUG")]


def test_letters_that_end_a_brand_name_are_part_of_it(reviewer):
    r = reviewer.review(
        "secondary syphilis period bicycle in L A two point four million units I M right "
        "gluteal given by nurse Poe period"
    )
    assert entity(r, "bicycle in L A", "DRUG").norm == "penicillin_g_benzathine"


@pytest.mark.parametrize(
    "note",
    [
        "she rode her bicycle in L A two hundred miles last month period",
        "he rode a bicycle in the L A marathon period two hundred milligrams I M given period",
    ],
)
def test_ordinary_words_before_letters_are_no_brand_name(reviewer, note):
    r = reviewer.review(note)
    assert not [e for e in ents(r, "DRUG") if e.how], [(e.text, e.norm) for e in ents(r, "DRUG")]


@pytest.mark.parametrize(
    ("said", "norm"),
    [
        ("haloperidol deck a no ate", "haloperidol_decanoate"),
        ("fluphenazine deck a no ate", "fluphenazine_decanoate"),
    ],
)
def test_a_salt_heard_in_pieces_after_a_read_name_completes_it(reviewer, said, norm):
    r = reviewer.review(
        f"schizophrenia period {said} fifty milligrams I M left glute given by nurse Lam period"
    )
    assert entity(r, said, "DRUG").norm == norm
    (adm,) = r.administrations
    assert adm.dose == "50 mg"
    assert r.claim_ready


def test_words_between_a_name_and_its_dose_are_not_taken_into_it(reviewer):
    r = reviewer.review(
        "schizophrenia period haloperidol and then fifty milligrams I M left glute given period"
    )
    assert [e.text for e in ents(r, "DRUG")] == ["haloperidol"]


def test_a_one_word_diagnosis_may_be_the_first_syllable_of_a_heard_name(reviewer):
    r = reviewer.review(
        "schizoaffective disorder period flu fen a zeen twenty five milligrams I M left glute "
        "given by nurse Lam period"
    )
    # the curated drug the typed name is read as ("Fluphenazine 25 mg IM")
    assert entity(r, "flu fen a zeen", "DRUG").norm == "fluphenazine_decanoate"


@pytest.mark.parametrize(
    "note",
    [
        "she had the flu a few weeks ago period flu shot point five m l I M left deltoid period",
        "flu like illness period toradol thirty milligrams I M left deltoid given period",
    ],
)
def test_a_diagnosis_word_stays_a_diagnosis(reviewer, note):
    r = reviewer.review(note)
    assert not [e for e in ents(r, "DRUG") if e.how], [(e.text, e.norm) for e in ents(r, "DRUG")]


@pytest.mark.parametrize(
    "note",
    [
        "schizophrenia doing well denies voices in vega sue stena one fifty six milligrams I M "
        "right deltoid given by nurse Abe",
        "schizophrenia doing well no side effects Invega Sustenna 156 mg IM right deltoid given "
        "by RN Abe",
    ],
)
def test_a_negated_finding_word_before_a_drug_with_its_dose_does_not_negate_it(reviewer, note):
    r = reviewer.review(note)
    assert r.claim_ready


@pytest.mark.parametrize(
    "note",
    [
        "migraine period no more Toradol sixty milligrams today period",
        "pernicious anemia. Patient did not receive her B12 1000 mcg IM today.",
        "pernicious anemia. No IM B12 1000 mcg today, patient declined.",
    ],
)
def test_words_that_carry_a_negation_to_the_drug_keep_it(reviewer, note):
    r = reviewer.review(note)
    assert not r.claim_ready
    assert "NOT_ADMINISTERED" in r.gap_codes


def test_first_syllables_heard_before_a_read_name_complete_it(reviewer):
    r = reviewer.review(
        "vitamin B twelve deficiency period sigh no cobalamin one thousand micrograms I M left "
        "deltoid given by nurse Ash period"
    )
    assert entity(r, "sigh no cobalamin", "DRUG").norm == "cyanocobalamin"
    assert r.claim_ready


def test_a_said_no_before_a_read_name_still_negates(reviewer):
    r = reviewer.review(
        "pernicious anemia period no cobalamin one thousand micrograms I M given today period"
    )
    assert not r.claim_ready
    assert "NOT_ADMINISTERED" in r.gap_codes


@pytest.mark.parametrize(
    ("said", "norm"),
    [
        ("right gluten", "dorsogluteal"),
        ("left dental", "deltoid"),
        ("right bottom", "dorsogluteal"),
    ],
)
def test_a_site_heard_as_another_word_after_its_side(reviewer, said, norm):
    r = reviewer.review(f"gout flare period kenalog sixty milligrams I M {said} given period")
    assert entity(r, said, "SITE").norm == norm
    assert r.claim_ready and "SITE_MISSING" not in r.gap_codes


@pytest.mark.parametrize(
    "note",
    [
        "caries of the right bottom molar period lidocaine two percent one c c given period",
        "the left dental abscess was drained period amoxicillin five hundred milligrams given",
    ],
)
def test_a_side_and_a_word_naming_something_else_is_no_site(reviewer, note):
    r = reviewer.review(note)
    assert not [e for e in ents(r, "SITE") if e.how], [(e.text, e.norm) for e in ents(r, "SITE")]


@pytest.mark.parametrize(
    "note",
    [
        "Phenergan 25 mg IM L deltoid given for nausea and vomiting. Zofran ODT 4 mg given to "
        "take home.",
        "promethazine twenty five milligrams I M left deltoid given for nausea and vomiting "
        "period zofran O D T four milligrams given to take home period",
    ],
)
def test_an_oral_form_beside_an_injection_is_no_injection(reviewer, note):
    r = reviewer.review(note)
    assert r.claim_ready
    assert [a.drug_id for a in r.administrations if a.given] == ["promethazine"]


def test_a_routeless_dose_without_an_oral_form_beside_an_injection_stays_a_gap(reviewer):
    r = reviewer.review(
        "Phenergan 25 mg IM L deltoid given for nausea and vomiting. Zofran 4 mg given."
    )
    assert not r.claim_ready
    assert "ROUTE_MISSING" in r.gap_codes
