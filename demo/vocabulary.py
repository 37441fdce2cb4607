"""The words generated stories and comments are made of: names, places, subjects,
headlines' verbs and objects, topics, filler sentences."""

import random

FIRST = (
    "Ann Bob Chloe David Elena Farid Grace Hugo Irina Jonas Kemi Liam Maya Nikolai "
    "Olga Pavel Quinn Rosa Sergei Tara Umar Vera Wei Xenia Yusuf Zoe"
).split()
LAST = (
    "Abbott Baker Chen Dubois Evans Fischer Garcia Haddad Ivanova Jensen Kowalski "
    "Lopez Morozov Nakamura Okafor Petrov Quist Rossi Sokolova Tanaka Ueda Volkov "
    "Walsh Xu Yilmaz Zhang"
).split()
PLACES = (
    "Harbour Town,Port Ellis,the capital,Brussels,Moscow,Washington,Beijing,Lagos,"
    "Sao Paulo,the north,the coast,the valley,Westbury,Kingsford,Riverside"
).split(",")
SUBJECTS = (
    "council,minister,central bank,union,court,mayor,parliament,police,hospital,"
    "university,energy firm,airline,football club,museum,school board,senate"
).split(",")
VERBS = (
    "approves,rejects,delays,announces,investigates,defends,cuts,expands,warns over,"
    "backs,halts,reviews,unveils,questions,settles"
).split(",")
OBJECTS = (
    "budget,new bridge,rail strike,tax plan,housing scheme,water charges,election date,"
    "climate target,merger,ceasefire,trade deal,inquiry,port expansion,ticket prices,"
    "school closures,flood defences"
).split(",")
TOPICS = (
    "economy,elections,climate,energy,health,education,housing,transport,crime,"
    "courts,defence,diplomacy,trade,technology,media,sport,arts,science,space,"
    "migration,farming,water,weather,budget,taxes,pensions,jobs,tourism,football,"
    "tennis,music,film,books,theatre,police,parliament,local-government,europe,"
    "russia,china,usa,africa,middle-east,latin-america,asia,ukraine,markets,banks"
).split(",")
WORDS = (
    "officials said the plan would be reviewed next week after residents raised "
    "concerns about cost and timing while critics argued that the decision had been "
    "rushed and that more consultation was needed before any money was spent on "
    "the scheme which has divided opinion across the region for months"
).split()
COMMENT_OPENERS = [
    "I completely agree",
    "This is nonsense",
    "Good reporting",
    "Has anyone asked",
    "Not surprised",
    "Thank you for this",
    "I live nearby and",
    "The real question is",
    "Interesting that",
    "Same as last year,",
]


def sentence(rng: random.Random, n: int) -> str:
    """n words of newsroom filler as one sentence."""
    words = rng.choices(WORDS, k=n)
    return " ".join(words).capitalize() + "."
