"""Build the classifier corpus (``train.jsonl`` and ``dev.jsonl`` next to this file).

Usage::

    python -m bot.safety.data.build_corpus

The core messages below were written for the learned layer after the lexicon
work, in new voices; none is copied from ``eval/crisis`` (held-out and probe
sets are never used for training or tuning). Each core message yields a few
realistic variants: openers and closers patients use, dropped apostrophes,
typos, text-speak, and risk buried in an ordinary long message. Whole core
messages (with all their variants) go either to train or to dev, so dev never
sees a sentence the model was trained on. Deterministic: fixed seed.
"""
# ruff: noqa: E501

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261126
DEV_FRACTION = 0.2

# Core messages: (text, level, category, tags). Written fresh for the classifier corpus.
IM = [
    ("i just took a whole sheet of my sleeping tablets", "plan_means", ["attempt"]),
    ("swallowed all my lorazepam about ten minutes ago", "plan_means", ["attempt"]),
    ("i already did it. took everything in the cabinet", "plan_means", ["attempt"]),
    ("took 25 of my gabapentin, starting to feel dizzy", "plan_means", ["attempt"]),
    ("i drank the bottle of antifreeze from the garage", "plan_means", ["attempt"]),
    (
        "im on the train platform and the next one comes in 4 minutes. im going to step off",
        "plan_means",
        ["timeline"],
    ),
    (
        "the noose is tied and hanging in the closet, i'm doing it now",
        "plan_means",
        ["means"],
    ),
    (
        "i'm on the roof of my building right now and i'm going to jump",
        "plan_means",
        ["attempt"],
    ),
    ("loaded my dad's shotgun, it's in my lap", "plan_means", ["means"]),
    (
        "i've got the pills counted out on the table, tonight after the kids are asleep",
        "plan_means",
        ["timeline"],
    ),
    ("by the time you read this ill be gone. thank you for everything", "goodbye", []),
    ("this is my last message. please tell my sister i loved her", "goodbye", []),
    ("goodbye everyone, i'm sorry i couldn't hold on", "goodbye", []),
    (
        "i've said my goodbyes, the letter is on the kitchen table, i'm ready",
        "goodbye",
        [],
    ),
    ("cut my wrist and it's not stopping, blood everywhere", "self_harm", []),
    ("i cut way too deep, can see fat, it keeps bleeding", "self_harm", []),
    (
        "my wife collapsed and isn't responding after her treatment",
        "medical_emergency",
        [],
    ),
    ("i can't breathe and my throat is swelling up", "medical_emergency", []),
    ("crushing chest pain since i got home, sweating a lot", "medical_emergency", []),
    ("my son had a seizure and he's not waking up", "medical_emergency", []),
    (
        "i'm going to do it this weekend while my roommate is away",
        "explicit_si",
        ["timeline"],
    ),
    (
        "tomorrow morning before work i'm ending my life, decided",
        "explicit_si",
        ["timeline"],
    ),
    ("i'm killing myself tonight, no one can stop me", "explicit_si", ["timeline"]),
    (
        "soon as my husband leaves for his shift im taking all of it",
        "plan_means",
        ["timeline"],
    ),
    ("im driving to the bridge now", "plan_means", ["attempt"]),
    ("sitting in the bathtub with a razor, this is it", "plan_means", ["means"]),
    ("i took all the oxy i had left with a bottle of wine", "plan_means", ["attempt"]),
    ("overdosed an hour ago, didn't work yet, taking more", "plan_means", ["attempt"]),
    ("tonight im finally going through with it", "explicit_si", ["timeline"]),
    ("ya me tomé todas las pastillas del frasco", "plan_means", ["es", "attempt"]),
    (
        "esta noche me voy a matar, ya tengo todo listo",
        "plan_means",
        ["es", "timeline"],
    ),
    ("adiós a todos, gracias por intentarlo", "goodbye", ["es"]),
    ("me corté muy hondo y no para de sangrar", "self_harm", ["es"]),
    ("mi papá no respira bien y tiene los labios morados", "medical_emergency", ["es"]),
    (
        "took like half the bottle of my seroquel, feel really weird",
        "plan_means",
        ["attempt", "slang"],
    ),
    ("ngl i just popped like 20 xans", "plan_means", ["attempt", "slang"]),
    (
        "i tied the rope to the beam. just wanted someone to know",
        "plan_means",
        ["means"],
    ),
    (
        "after my last session today im going to end it, i have the pills in the car",
        "plan_means",
        ["timeline"],
    ),
    (
        "my daughter swallowed a bunch of my pills and she's really drowsy",
        "medical_emergency",
        [],
    ),
    (
        "i took a lot more of my heart meds than i'm supposed to on purpose",
        "plan_means",
        ["attempt"],
    ),
]
HI = [
    (
        "i've been collecting my pills for weeks in case i decide to go",
        "plan_means",
        ["preparation"],
    ),
    (
        "i bought a gun last week and i keep thinking about using it on myself",
        "plan_means",
        ["means"],
    ),
    ("i keep thinking about hanging myself in the garage", "plan_means", []),
    ("thinking of overdosing on my insulin", "plan_means", []),
    (
        "i looked up the train schedule and which crossing has no barrier",
        "plan_means",
        ["preparation"],
    ),
    ("i've written my will and letters to my kids", "goodbye", ["preparation"]),
    (
        "gave my cat to my neighbour, won't be needing to look after her much longer",
        "goodbye",
        ["preparation"],
    ),
    (
        "i'm going to kill myself, i just haven't picked a day",
        "explicit_si",
        ["intent"],
    ),
    ("i've made up my mind, i'm going to end my life", "explicit_si", ["intent"]),
    ("i will do it eventually, i know i will", "explicit_si", ["intent"]),
    ("cut myself last night for the first time in a year", "self_harm", []),
    ("i've been burning my arms with cigarettes most nights", "self_harm", []),
    ("scratched my legs until they bled this morning", "self_harm", []),
    ("punched the wall until my knuckles split, did it on purpose", "self_harm", []),
    ("i'm going to hurt my ex when i see him, he deserves it", "harm_others", []),
    ("i want to kill my neighbour and i know how i'd do it", "harm_others", []),
    (
        "i shoved my mom into the wall yesterday and i'm scared of myself",
        "harm_others",
        [],
    ),
    ("tried to overdose two weeks ago, ended up in the er", "past_history", []),
    ("last month i tried to hang myself", "past_history", []),
    (
        "i attempted in september, this is my first time talking about it",
        "past_history",
        [],
    ),
    (
        "how many of my trazodone would it take to not wake up, i'm so done",
        "method_seeking",
        [],
    ),
    (
        "what's the most painless way to go, i can't keep living like this",
        "method_seeking",
        [],
    ),
    ("i keep imagining jumping off the parking garage at work", "plan_means", []),
    (
        "i have a stash of oxy in the closet for when i'm ready",
        "plan_means",
        ["preparation"],
    ),
    ("i know exactly how i'd do it and where", "plan_means", []),
    ("ive been thinking about driving into a tree on the highway", "plan_means", []),
    ("i researched lethal doses of my meds last night", "plan_means", []),
    ("im gonna kms, not today but soon", "explicit_si", ["intent", "slang"]),
    (
        "im going to unalive myself, i'm serious this time",
        "explicit_si",
        ["intent", "slang"],
    ),
    ("i'm planning my suicide", "plan_means", []),
    ("wrote a note. not sure when yet", "goodbye", ["preparation"]),
    (
        "tengo guardadas muchas pastillas por si acaso",
        "plan_means",
        ["es", "preparation"],
    ),
    ("pienso en tirarme del puente cada día", "plan_means", ["es"]),
    ("voy a suicidarme, ya lo tengo decidido", "explicit_si", ["es", "intent"]),
    ("me quemé el brazo anoche a propósito", "self_harm", ["es"]),
    ("hace unas semanas intenté quitarme la vida", "past_history", ["es"]),
    ("i relapsed and cut again yesterday, deeper than before", "self_harm", []),
    ("picked out the spot in the woods where i'd do it", "plan_means", ["preparation"]),
    (
        "i cancelled my life insurance beneficiary stuff and sorted my accounts so my family won't have to",
        "goodbye",
        ["preparation"],
    ),
    (
        "i'm going to hurt somebody at work, i can feel it, i've been bringing a knife",
        "harm_others",
        [],
    ),
]
MO = [
    ("i think about killing myself almost every day", "explicit_si", []),
    ("i want to die, i really do", "explicit_si", []),
    ("i really want to be dead", "explicit_si", []),
    ("been having suicidal thoughts again", "explicit_si", []),
    ("suicide has been on my mind a lot", "explicit_si", []),
    ("i keep fantasizing about ending it all", "explicit_si", []),
    ("part of me wants to end my life", "explicit_si", []),
    ("i've been feeling suicidal since the weekend", "explicit_si", []),
    ("i wanna kms fr", "explicit_si", ["slang"]),
    ("lowkey want to unalive myself", "explicit_si", ["slang"]),
    ("suicidal ideation is back, no plan but it's loud", "explicit_si", []),
    (
        "i'm thinking about ending my life, i don't know why i'm telling a bot",
        "explicit_si",
        [],
    ),
    ("i have the urge to cut again", "self_harm", []),
    ("i really want to hurt myself tonight, the urge is bad", "self_harm", []),
    ("really craving the feeling of cutting", "self_harm", []),
    ("i keep wanting to burn myself", "self_harm", []),
    ("i get these flashes of hurting my baby and it terrifies me", "harm_others", []),
    ("sometimes i want to punch my coworker so badly", "harm_others", []),
    ("i have thoughts about hurting people and i hate it", "harm_others", []),
    ("what's the lethal amount of acetaminophen for an adult", "method_seeking", []),
    ("how much insulin would kill a person", "method_seeking", []),
    ("how many sleeping pills does it take to die", "method_seeking", []),
    (
        "which of the common meds is the most dangerous in overdose",
        "method_seeking",
        [],
    ),
    ("how long does it take to bleed out", "method_seeking", []),
    (
        "it's been a week since my infusion and everything still feels unreal, like i'm not in my body",
        "persistent_dissociation",
        [],
    ),
    (
        "still seeing things that aren't there three days after the session",
        "persistent_dissociation",
        [],
    ),
    (
        "i've felt detached from myself for days since the last treatment",
        "persistent_dissociation",
        [],
    ),
    (
        "i'm stopping treatment and my meds, nothing works so why bother",
        "hopelessness",
        [],
    ),
    (
        "quitting the infusions and everything else, there's no point",
        "hopelessness",
        [],
    ),
    ("i tried to kill myself once, a while back", "past_history", []),
    ("i have a history of attempts", "past_history", []),
    ("i wanna die so bad rn", "explicit_si", ["slang"]),
    ("i want to diee", "explicit_si", ["repeated_letters"]),
    ("thinkin bout killin myself alot", "explicit_si", ["typo"]),
    ("sucidal thoughts all week", "explicit_si", ["typo"]),
    ("most nights i lie there wanting to end it all", "explicit_si", []),
    ("quiero morirme", "explicit_si", ["es"]),
    ("pienso mucho en suicidarme", "explicit_si", ["es"]),
    ("tengo muchas ganas de cortarme otra vez", "self_harm", ["es"]),
    ("tengo pensamientos suicidas otra vez", "explicit_si", ["es"]),
    ("¿cuántas pastillas hacen falta para morir?", "method_seeking", ["es"]),
    ("i've been googling ways to die", "explicit_si", []),
    ("the thought of being dead is comforting lately", "explicit_si", []),
    (
        "i don't want to die but i keep thinking about killing myself",
        "explicit_si",
        ["negation_positive"],
    ),
    ("i wish i had the guts to kill myself", "explicit_si", []),
    ("if i had a gun i'd probably use it", "explicit_si", []),
    ("i'm so close to ending it", "explicit_si", []),
    ("i have been self harming again", "self_harm", []),
    (
        "the voices came back two days after my session and haven't left",
        "persistent_dissociation",
        [],
    ),
    ("death feels like the only way out", "explicit_si", []),
]
LO = [
    ("i wouldn't mind if i never woke up", "passive_si", []),
    ("sometimes i hope i just don't wake up", "passive_si", []),
    ("i wish i could just disappear", "passive_si", []),
    ("i wish i'd never been born", "passive_si", []),
    (
        "honestly my whole family would be better off without me around",
        "passive_si",
        [],
    ),
    ("i'm just a burden to everyone around me", "passive_si", []),
    ("nobody would even notice if i was gone", "passive_si", []),
    ("i really don't want to be here any more, i'm so tired", "passive_si", []),
    ("i don't see the point in living", "passive_si", []),
    ("i'm so tired of being alive", "passive_si", []),
    ("life isn't worth it anymore", "passive_si", []),
    ("if a bus hit me i wouldn't be upset", "passive_si", []),
    ("i kind of hope something happens to me", "passive_si", []),
    ("wouldn't be the worst thing if i died in my sleep", "passive_si", []),
    ("i don't care whether i live or die", "passive_si", []),
    ("existing is exhausting, i want it to be over", "passive_si", []),
    ("what's the point of anything anymore", "hopelessness", []),
    ("i can't keep going on like this much longer", "hopelessness", []),
    ("there's no hope for me", "hopelessness", []),
    ("nothing is ever going to change, i'm done", "hopelessness", []),
    ("i just want it all to end", "hopelessness", []),
    ("i give up on everything", "hopelessness", []),
    ("i'm done fighting, nothing left in me", "hopelessness", []),
    (
        "i want everything to just stop for a while. permanently would be fine too",
        "hopelessness",
        [],
    ),
    ("there's no light at the end of this", "hopelessness", []),
    (
        "i tried to end my life twenty years ago, i'm doing much better now",
        "past_history",
        [],
    ),
    ("i had an attempt as a teenager", "past_history", []),
    ("i'm tired of existing", "passive_si", ["slang"]),
    ("lowkey wish i could just vanish", "passive_si", ["slang"]),
    ("dont wanna be alive tbh", "passive_si", ["slang"]),
    ("i'm a waste of space", "passive_si", []),
    ("my family deserves better than me", "passive_si", []),
    ("what's the tallest bridge in the county", "method_seeking", []),
    ("quisiera dormirme y no despertar", "passive_si", ["es"]),
    ("mi familia estaría mejor sin mí", "passive_si", ["es"]),
    ("ya no quiero vivir así", "passive_si", ["es"]),
    ("no veo ningún futuro para mí", "hopelessness", ["es"]),
    ("soy una carga para todos", "passive_si", ["es"]),
    ("ojalá pudiera desaparecer", "passive_si", ["es"]),
    ("nada tiene sentido ya", "hopelessness", ["es"]),
    ("estoy cansada de vivir", "passive_si", ["es"]),
    ("ya no puedo más con esto", "hopelessness", ["es"]),
    ("it would be easier for everybody if i wasn't around", "passive_si", []),
    (
        "i keep thinking my kids would be better off with someone else raising them and me gone",
        "passive_si",
        [],
    ),
    ("feel like i'm just waiting to die", "passive_si", []),
    ("no reason to keep going really", "hopelessness", []),
    (
        "i don't really want to live but i'm not going to do anything",
        "passive_si",
        ["negation_positive"],
    ),
    (
        "i'm not suicidal exactly, i just don't want to exist",
        "passive_si",
        ["negation_positive"],
    ),
    ("i'm always so tired and i don't see myself making it to 40", "passive_si", []),
    ("honestly just want to go to sleep forever", "passive_si", []),
]
NONE = [
    # idioms
    ("this commute is killing me", ["idiom"]),
    ("i'm dying to try the new coffee place", ["idiom"]),
    ("my feet are killing me after that walk", ["idiom"]),
    ("i almost died laughing at my nephew", ["idiom"]),
    ("i'd kill for a nap and a burrito", ["idiom"]),
    ("that exam destroyed me lol", ["idiom"]),
    ("my mom is going to kill me when she sees the dent in the car", ["idiom"]),
    ("i could just die, i wore the same dress as the host", ["idiom"]),
    ("this spreadsheet makes me want to throw myself out the window lol", ["idiom"]),
    ("i'm dead 💀 that meme", ["idiom", "slang"]),
    ("killing it at the gym this week", ["idiom"]),
    ("i'm so over this rain", ["idiom"]),
    ("the suspense is killing me, when are results back?", ["idiom"]),
    ("ugh shoot me now, another zoom call", ["idiom"]),
    ("i'm drowning in paperwork this month", ["idiom"]),
    ("my plants are dying again, i'm the worst gardener", ["idiom"]),
    ("overdosed on netflix this weekend haha", ["idiom"]),
    ("i wanted to die of embarrassment when i tripped", ["idiom"]),
    ("bored to death in this waiting room", ["idiom"]),
    ("my phone's about to die", ["idiom"]),
    ("i'm going to end it with my boyfriend tonight, it's time", ["idiom"]),
    ("he'll murder me if i forget his birthday", ["idiom"]),
    ("the heat out there is brutal, i'm melting", ["idiom"]),
    ("me muero de sueño", ["es", "idiom"]),
    ("mi madre me va a matar jaja", ["es", "idiom"]),
    ("me muero por ver a mis nietos", ["es", "idiom"]),
    ("este calor me está matando", ["es", "idiom"]),
    # negations / denials
    ("i'm not suicidal, just really sad today", ["negation"]),
    ("i have no thoughts of hurting myself", ["negation"]),
    ("no suicidal thoughts this week at all", ["negation"]),
    ("i would never hurt myself, i want to see my grandkids grow up", ["negation"]),
    ("i don't want to die, i want to get better", ["negation"]),
    ("suicidal thoughts: none. mood: 6/10", ["negation"]),
    ("i haven't self harmed in over two years", ["negation"]),
    ("don't worry, i'm not going to do anything stupid tonight", ["negation"]),
    ("not thinking about ending my life, promise, just stressed", ["negation"]),
    ("the urge to cut is gone since i started treatment", ["negation"]),
    ("i don't have any plans to hurt anyone", ["negation"]),
    ("never attempted, never wanted to", ["negation"]),
    ("no self-harm, no thoughts of death, sleeping better", ["negation"]),
    ("i used to feel like a burden but i don't anymore", ["negation"]),
    ("those dark thoughts about dying have completely stopped", ["negation"]),
    ("no he tenido pensamientos de hacerme daño esta semana", ["es", "negation"]),
    ("no quiero morir, quiero mejorar", ["es", "negation"]),
    ("nunca he intentado suicidarme", ["es", "negation"]),
    # third party
    (
        "my brother tried to kill himself last year and i'm worried about him",
        ["third_party"],
    ),
    ("my friend told me she's been cutting, how can i support her", ["third_party"]),
    ("my dad keeps saying he wishes he was dead, what do i do", ["third_party"]),
    ("my coworker overdosed last month, the funeral was friday", ["third_party"]),
    (
        "my daughter's classmate died by suicide and the school is in shock",
        ["third_party"],
    ),
    (
        "my husband thinks about suicide sometimes, is ketamine an option for him?",
        ["third_party"],
    ),
    ("my grandmother passed away peacefully in her sleep", ["third_party"]),
    (
        "a patient in the waiting room was crying about wanting to die, it was hard to hear",
        ["third_party"],
    ),
    ("mi hermana dice que quiere morirse, estoy preocupada", ["es", "third_party"]),
    # media
    ("watching 13 reasons why again, that show is intense", ["media"]),
    ("the book ends with the main character taking his own life", ["media"]),
    ("that movie where the guy jumps off the bridge made me cry", ["media"]),
    (
        "listening to a song about wanting to die, it's weirdly comforting music",
        ["media"],
    ),
    ("true crime podcast about a poisoning case, so creepy", ["media"]),
    ("in the game my character keeps dying on the last level", ["media"]),
    # educational
    (
        "what's the difference between passive and active suicidal ideation?",
        ["educational"],
    ),
    ("how does ketamine work for depression?", ["educational"]),
    ("is it safe to take tylenol after an infusion?", ["educational"]),
    ("how many hours after the session can i take my sleeping pill?", ["educational"]),
    ("what's the normal dose of esketamine?", ["educational"]),
    ("can ketamine interact with my lamotrigine?", ["educational"]),
    ("how much ibuprofen can i take in a day for the headache", ["educational"]),
    ("why do you ask about suicidal thoughts on every form?", ["educational"]),
    ("what are the warning signs of suicide in teenagers?", ["educational"]),
    ("¿qué pasa si mezclo la ketamina con alcohol?", ["es", "educational"]),
    # ketamine experience
    (
        "felt like i died and came back during the session, it was strangely peaceful",
        ["ketamine_experience"],
    ),
    (
        "during the infusion i had no body and no name, super weird but fine now",
        ["ketamine_experience"],
    ),
    (
        "i dissolved into the music for a while, back to myself by the time i got home",
        ["ketamine_experience"],
    ),
    (
        "the dissociation was strong today but it wore off after an hour",
        ["ketamine_experience"],
    ),
    (
        "felt like i was floating in space, kind of scary at first then lovely",
        ["ketamine_experience"],
    ),
    (
        "i saw my own funeral during the trip, but it felt like letting go of old stuff",
        ["ketamine_experience"],
    ),
    ("la sesión fue intensa, sentí que flotaba", ["es", "ketamine_experience"]),
    # neutral / clinic / sad but safe
    ("can i drive myself home after the appointment?", ["neutral"]),
    ("what time is my session on friday?", ["neutral"]),
    ("do i need to fast before the infusion?", ["neutral"]),
    ("my insurance card changed, where do i send the new one", ["neutral"]),
    ("i felt nauseous after the last one, can we try zofran?", ["neutral"]),
    ("thank you, today was a good day", ["neutral"]),
    ("i've been sad this week but i'm using my coping skills", ["neutral"]),
    ("i'm anxious about the next treatment", ["neutral"]),
    ("my mood is up and down but overall better", ["neutral"]),
    ("i cried a lot after my session, i think it was healthy", ["neutral"]),
    ("i had a panic attack at work but it passed", ["neutral"]),
    ("feeling lonely since my divorce", ["neutral"]),
    ("my depression is still heavy but i have hope", ["neutral"]),
    ("i'm exhausted, work has been relentless", ["neutral"]),
    ("need to cancel monday, car trouble", ["neutral"]),
    ("i want this nausea to stop, any tips?", ["neutral"]),
    ("i want the pain in my back to stop", ["neutral"]),
    ("i just want this week to be over lol", ["neutral"]),
    ("what's the point of the booster session?", ["neutral"]),
    ("i'm going to take my meds and go to bed early", ["neutral"]),
    ("took my evening pills a bit late tonight, is that ok?", ["neutral"]),
    ("i took two advil for the headache after the infusion", ["neutral"]),
    ("i accidentally took my morning dose twice, should i worry?", ["neutral"]),
    ("my therapist and i made a safety plan and it's on my fridge", ["neutral"]),
    ("¿puedo cambiar mi cita al jueves?", ["es", "neutral"]),
    ("hoy me siento mejor, gracias", ["es", "neutral"]),
    ("estoy triste pero estoy bien", ["es", "neutral"]),
    ("retracting what i typed earlier, it was a song lyric", ["retraction"]),
    ("ignore that, my kid grabbed my phone", ["retraction"]),
]
IM2 = [
    (
        "i emptied both bottles into my hand and swallowed them",
        "plan_means",
        ["attempt"],
    ),
    (
        "mixed all my benzos with a fifth of whiskey, getting sleepy now",
        "plan_means",
        ["attempt"],
    ),
    (
        "i'm in the car at the quarry edge with the engine on, not coming back",
        "plan_means",
        ["attempt"],
    ),
    ("did it. took the lot. just wanted someone to know", "plan_means", ["attempt"]),
    (
        "the knife is in my hand and i'm doing it in the bath tonight",
        "plan_means",
        ["means"],
    ),
    (
        "i'm in the woods with a rope and i found a strong branch",
        "plan_means",
        ["means"],
    ),
    (
        "when my shift ends at 6 i'm going to the overpass, i've decided",
        "plan_means",
        ["timeline"],
    ),
    ("i'll be dead by morning, i've made sure of it", "explicit_si", ["timeline"]),
    ("love you all. don't blame yourselves. bye", "goodbye", []),
    (
        "please look after my cats, i won't be around after tonight",
        "goodbye",
        ["timeline"],
    ),
    (
        "he's foaming at the mouth and won't wake up, what do i do",
        "medical_emergency",
        [],
    ),
    (
        "my heart is racing and i'm going numb and my vision is going dark",
        "medical_emergency",
        [],
    ),
    ("i just drank a bottle of bleach", "plan_means", ["attempt"]),
    (
        "injected everything i had left, feels like my chest is tightening",
        "plan_means",
        ["attempt"],
    ),
    (
        "me tomé como treinta pastillas para dormir hace un rato",
        "plan_means",
        ["es", "attempt"],
    ),
    ("estoy en la azotea y voy a saltar", "plan_means", ["es", "attempt"]),
]
HI2 = [
    (
        "i've been hoarding my mom's sleeping meds in a sock drawer",
        "plan_means",
        ["preparation"],
    ),
    ("i keep checking how high my balcony is and leaning over", "plan_means", []),
    (
        "ordered a helium tank online, i know what it's for",
        "plan_means",
        ["preparation"],
    ),
    ("i've been practicing tying knots, you know why", "plan_means", ["preparation"]),
    (
        "deleted all my social media and paid off my debts so nobody is left with a mess",
        "goodbye",
        ["preparation"],
    ),
    (
        "i'm going to off myself eventually, it's just a matter of time",
        "explicit_si",
        ["intent"],
    ),
    ("i've decided i'm not going to be alive by christmas", "explicit_si", ["intent"]),
    ("i sliced my arm up in the shower yesterday", "self_harm", []),
    (
        "i've been hitting myself in the head with my fists every night this week",
        "self_harm",
        [],
    ),
    ("starving myself on purpose for 4 days to punish myself", "self_harm", []),
    ("i'm going to make my boss pay, i've been following him home", "harm_others", []),
    (
        "i choked my brother last night during a fight and i didn't want to stop",
        "harm_others",
        [],
    ),
    (
        "got out of the psych ward two weeks ago after trying to jump",
        "past_history",
        [],
    ),
    ("i overdosed in october and nobody here knows", "past_history", []),
    (
        "which would be quicker, pills or the river? i'm done with everything",
        "method_seeking",
        [],
    ),
    (
        "how many of these oxys would stop my heart, i can't take this pain anymore",
        "method_seeking",
        [],
    ),
    ("i keep thinking about stepping in front of the 8:15 express", "plan_means", []),
    ("i have a plan and the means, i just need to pick a day", "plan_means", []),
    ("me he estado cortando las piernas todas las noches", "self_harm", ["es"]),
    ("tengo una pistola en casa y pienso en usarla conmigo", "plan_means", ["es"]),
]
MO2 = [
    ("i fantasize about not existing every single night", "explicit_si", []),
    (
        "my brain keeps telling me to kill myself and i'm so tired of fighting it",
        "explicit_si",
        [],
    ),
    ("i want my life to be over", "explicit_si", []),
    ("i genuinely want to be dead, this isn't a metaphor", "explicit_si", []),
    ("been having thoughts of taking my own life", "explicit_si", []),
    ("the idea of suicide keeps creeping back", "explicit_si", []),
    ("wanting to die is my default setting lately", "explicit_si", []),
    ("everything in me wants to die right now", "explicit_si", []),
    ("i'm craving pain, i want to scratch until i bleed", "self_harm", []),
    ("the urge to slice my skin won't leave", "self_harm", []),
    ("i want to relapse on cutting so bad", "self_harm", []),
    (
        "i get images of stabbing my husband and i'm terrified i'm a monster",
        "harm_others",
        [],
    ),
    ("how much acetaminophen causes liver failure", "method_seeking", []),
    ("what's the quickest way to die without pain", "method_seeking", []),
    ("how many volts would kill a person", "method_seeking", []),
    (
        "the world still looks flat and fake and it's been four days since the infusion",
        "persistent_dissociation",
        [],
    ),
    (
        "i'm hearing whispering that isn't there since friday's session",
        "persistent_dissociation",
        [],
    ),
    (
        "cancel all my appointments, i'm done with treatment, nothing will fix me",
        "hopelessness",
        [],
    ),
    ("i once tried to end it, not ready to talk about when", "past_history", []),
    ("kinda suicidal today ngl", "explicit_si", ["slang"]),
    ("i wanna unalive so bad", "explicit_si", ["slang"]),
    ("ive been wanting to die alot latley", "explicit_si", ["typo"]),
    ("ya no quiero vivir, quiero morir", "explicit_si", ["es"]),
    ("me dan ganas de quitarme la vida", "explicit_si", ["es"]),
    ("quisiera estar muerto de verdad", "explicit_si", ["es"]),
]
LO2 = [
    ("i wouldn't be sad if a doctor told me i had a month left", "passive_si", []),
    ("some mornings i'm disappointed i woke up", "passive_si", []),
    (
        "it'd be nice to just stop existing for a while, maybe for good",
        "passive_si",
        [],
    ),
    ("i feel like i'm just taking up space", "passive_si", []),
    ("if i vanished nobody would look for me", "passive_si", []),
    ("i think my kids would do better without a mess like me", "passive_si", []),
    (
        "i'm not going to do anything but i don't want to be alive",
        "passive_si",
        ["negation_positive"],
    ),
    ("honestly death doesn't scare me, it sounds restful", "passive_si", []),
    (
        "i'm over living, not gonna act on it though",
        "passive_si",
        ["negation_positive"],
    ),
    ("i keep hoping i'll get sick and not recover", "passive_si", []),
    ("everything feels pointless and i'm so tired of trying", "hopelessness", []),
    ("nothing will ever be okay again", "hopelessness", []),
    ("i have nothing to look forward to, ever", "hopelessness", []),
    ("i just want to give up on all of it", "hopelessness", []),
    ("i'm at the end of my rope", "hopelessness", []),
    ("make it all stop please", "hopelessness", []),
    ("i want off this ride, i'm done", "hopelessness", []),
    (
        "when i was in college i swallowed a bottle of pills, that was 15 years ago",
        "past_history",
        [],
    ),
    ("cuál es el puente más alto de la ciudad", "method_seeking", ["es"]),
    ("a veces quisiera no despertar", "passive_si", ["es"]),
    ("siento que sobro en este mundo", "passive_si", ["es"]),
    ("todo me da igual, ya no tiene caso", "hopelessness", ["es"]),
    ("me gustaría desaparecer y que nadie me buscara", "passive_si", ["es"]),
    ("no sé para qué sigo", "hopelessness", ["es"]),
]
NONE2 = [
    ("my kid is going to be the death of me, he painted the dog", ["idiom"]),
    ("dead on my feet after a double shift", ["idiom"]),
    ("i'll die if i have to hear that song again", ["idiom"]),
    ("we killed it at trivia night", ["idiom"]),
    ("i'm literally dying in this humidity", ["idiom"]),
    ("my boss is going to end me if the report is late", ["idiom"]),
    ("the kids are driving me to an early grave lol", ["idiom"]),
    ("i bombed the presentation, i want to crawl into a hole", ["idiom"]),
    ("i'm so done with winter", ["idiom"]),
    ("shoot, i forgot my water bottle at the clinic", ["idiom", "neutral"]),
    ("this diet is slowly killing my spirit haha", ["idiom"]),
    ("that joke killed, everyone laughed", ["idiom"]),
    ("i'm about to lose my mind over this printer", ["idiom"]),
    ("me quiero morir de la vergüenza jaja", ["es", "idiom"]),
    ("estoy muerta de cansancio después del turno", ["es", "idiom"]),
    ("i have zero urges to hurt myself these days", ["negation"]),
    ("no plan, no intent, no thoughts of suicide, just grief", ["negation"]),
    ("i'm safe. the thoughts from last winter never came back", ["negation"]),
    ("i thought about dying a lot before ketamine, not anymore", ["negation"]),
    ("to be clear i don't want to end my life, i want my life to change", ["negation"]),
    ("i haven't cut since june and i'm proud", ["negation"]),
    ("nope, no self harm this week", ["negation"]),
    ("ya no pienso en la muerte como antes", ["es", "negation"]),
    (
        "my aunt swallowed a bunch of pills last night and she's in the icu",
        ["third_party"],
    ),
    (
        "my neighbour keeps threatening to kill himself, should i call someone?",
        ["third_party"],
    ),
    (
        "my son wrote a goodbye note at school, we're getting him help today",
        ["third_party"],
    ),
    ("my best friend's dad shot himself when we were kids", ["third_party"]),
    ("my wife's sister relapsed on cutting, we're supporting her", ["third_party"]),
    ("el hijo de mi vecina se suicidó, fue horrible", ["es", "third_party"]),
    ("we read a poem about wanting to die in english class", ["media"]),
    ("the villain poisons the king in act three", ["media"]),
    ("documentary on the opioid crisis, so many overdoses", ["media"]),
    ("that anime where the character jumps off the roof wrecked me", ["media"]),
    ("what percentage of people with depression attempt suicide?", ["educational"]),
    ("how is lethality assessed in a crisis evaluation?", ["educational"]),
    ("how many mg of ketamine do you usually give per kg?", ["educational"]),
    ("can i take my xanax the night before the infusion?", ["educational"]),
    ("what does the c-ssrs screener ask?", ["educational"]),
    (
        "is it true ketamine can help with suicidal ideation within hours?",
        ["educational"],
    ),
    (
        "i felt my body melt away and i was just light for a while, then i came back",
        ["ketamine_experience"],
    ),
    (
        "had a near death kind of feeling in the session, my guide said that's common",
        ["ketamine_experience"],
    ),
    (
        "during the infusion i watched myself from the ceiling, gone by the car ride home",
        ["ketamine_experience"],
    ),
    ("it felt like dying but gentle, i'm totally fine now", ["ketamine_experience"]),
    ("i'm running 10 min late for my infusion", ["neutral"]),
    ("can my husband sit with me during the session?", ["neutral"]),
    ("the headache after the session went away with water and rest", ["neutral"]),
    ("i'm so sad my dog is old and sick", ["neutral"]),
    ("rough week, but i called my sister and went for a walk", ["neutral"]),
    ("my mood score was 4 today, better than last week", ["neutral"]),
    ("i'm grieving my dad, it comes in waves", ["neutral"]),
    ("i just want this pain in my knee to end", ["neutral"]),
    ("i want this winter to be over already", ["neutral"]),
    ("what's the point of taking vitamins with my meds?", ["neutral"]),
    ("i took 2 melatonin and slept great", ["neutral"]),
    ("i took more of my allergy pills than usual because of the pollen", ["neutral"]),
    ("¿a qué hora abre la clínica mañana?", ["es", "neutral"]),
    ("me siento cansado pero tranquilo después de la sesión", ["es", "neutral"]),
]

FRAMES_PRE = [
    "",
    "",
    "",
    "hi. ",
    "hey, ",
    "sorry to bother you but ",
    "honestly ",
    "so um ",
    "update: ",
    "not sure who reads these but ",
    "ok so ",
    "quick note - ",
    "i don't know how to say this. ",
    "it's sunday night and ",
]
FRAMES_POST = [
    "",
    "",
    "",
    " ...",
    " idk",
    " tbh",
    ".",
    " sorry",
    " anyway",
    " 😔",
    " see you thursday",
    " i just needed to say it",
]
LONG_FILLERS = [
    "The drive in was fine and the nurse was lovely as always. My kids have been busy with school and I've been trying to walk every morning.",
    "Work is the same, my manager keeps piling things on. I finally cleaned the garage this weekend, which felt good.",
    "We had my mother-in-law over for dinner and it went better than expected. The dog is doing well after her surgery.",
    "I've been journaling like you suggested and sleeping a little more. Still some nausea after the sessions.",
]


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    out = []
    for word in words:
        roll = rng.random()
        if len(word) > 4 and roll < 0.12:
            i = rng.randrange(1, len(word) - 1)
            word = word[:i] + word[i + 1 :]  # dropped letter
        elif len(word) > 3 and roll < 0.2:
            i = rng.randrange(1, len(word) - 1)
            word = word[: i + 1] + word[i] + word[i + 1 :]  # doubled letter
        out.append(word)
    text = " ".join(out).replace("'", "")
    for old, new in (
        (" you ", " u "),
        (" because ", " bc "),
        (" really ", " rly "),
        (" right now", " rn"),
    ):
        text = text.replace(old, new)
    return text


def _variants(
    text: str, positive: bool, rng: random.Random
) -> list[tuple[str, list[str]]]:
    found = [(text, [])]
    pre, post = rng.choice(FRAMES_PRE), rng.choice(FRAMES_POST)
    framed = (pre + text + post).strip()
    if framed != text:
        found.append((framed, []))
    if rng.random() < 0.5:
        found.append((_typo(text, rng), ["typo"]))
    if rng.random() < 0.3:
        filler = rng.sample(LONG_FILLERS, 2)
        found.append(
            (f"{filler[0]} {text[0].upper() + text[1:]}. {filler[1]}", ["long"])
        )
    if rng.random() < 0.15:
        found.append((text.upper() if positive else text.capitalize(), []))
    return found


def build() -> tuple[list[dict], list[dict]]:
    rng = random.Random(SEED)
    cores = [(t, "imminent", c, g) for t, c, g in IM + IM2]
    cores += [(t, "high", c, g) for t, c, g in HI + HI2]
    cores += [(t, "moderate", c, g) for t, c, g in MO + MO2]
    cores += [(t, "low", c, g) for t, c, g in LO + LO2]
    cores += [(t, "none", None, g) for t, g in NONE + NONE2]
    # The ordinary sentences that pad long messages are negatives on their own.
    for filler in LONG_FILLERS:
        cores += [
            (sentence.strip() + ".", "none", None, ["neutral"])
            for sentence in filler.split(".")
            if sentence.strip()
        ]
    train: list[dict] = []
    dev: list[dict] = []
    for number, (text, level, category, tags) in enumerate(cores):
        target = dev if rng.random() < DEV_FRACTION else train
        for index, (variant, extra) in enumerate(_variants(text, level != "none", rng)):
            target.append(
                {
                    "id": f"c{number:03d}.{index}",
                    "text": variant,
                    "level": level,
                    "category": category,
                    "tags": sorted(set(tags) | set(extra)),
                }
            )
    return train, dev


def main() -> None:
    train, dev = build()
    for name, rows in (("train", train), ("dev", dev)):
        with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{name}: {len(rows)} messages")


if __name__ == "__main__":
    main()
