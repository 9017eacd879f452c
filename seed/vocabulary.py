"""Word lists for fake but plausible names, regions and vehicles.

Kept small and fixed: changing any list changes every seeded data set.
"""

from __future__ import annotations

REGIONS = ("north", "south", "east", "west", "central", "coastal", "mountain", "metro")

FIRST_NAMES = (
    "Ada", "Aiden", "Amara", "Ana", "Arjun", "Ben", "Bianca", "Carlos", "Chen", "Chloe",
    "Daniel", "Dmitri", "Elena", "Emeka", "Emma", "Farah", "Felix", "Grace", "Hana", "Hugo",
    "Ines", "Ivan", "Jamal", "Jana", "Jonas", "Kai", "Keiko", "Lars", "Leila", "Liam",
    "Lucia", "Malik", "Maria", "Mateo", "Mia", "Nadia", "Noah", "Olga", "Omar", "Priya",
    "Quinn", "Rafael", "Rosa", "Sam", "Sara", "Sofia", "Tariq", "Tom", "Uma", "Victor",
    "Wei", "Yara", "Yusuf", "Zoe",
)  # fmt: skip

LAST_NAMES = (
    "Abe", "Adeyemi", "Almeida", "Andersen", "Bauer", "Becker", "Bianchi", "Brown", "Castro",
    "Chen", "Costa", "Dubois", "Eriksson", "Fischer", "Garcia", "Gupta", "Haddad", "Hansen",
    "Ivanova", "Jensen", "Kim", "Kowalski", "Kumar", "Larsen", "Lee", "Lopez", "Martin",
    "Meyer", "Moreau", "Müller", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen", "Patel",
    "Pereira", "Petrov", "Rossi", "Santos", "Schmidt", "Silva", "Singh", "Smith", "Sato",
    "Tanaka", "Torres", "Wagner", "Walker", "Wang", "Weber", "Williams", "Yilmaz", "Zhang",
)  # fmt: skip

# (make, models); one vehicle per driver draws a make, then one of its models.
VEHICLES = (
    ("Ford", ("Transit", "F-150", "Ranger", "Focus")),
    ("Toyota", ("Hilux", "Corolla", "Prius", "Proace")),
    ("Volkswagen", ("Crafter", "Caddy", "Golf", "Transporter")),
    ("Mercedes-Benz", ("Sprinter", "Vito", "Actros")),
    ("Renault", ("Master", "Kangoo", "Trafic")),
    ("Iveco", ("Daily", "Eurocargo")),
    ("Nissan", ("NV200", "Navara", "Leaf")),
    ("Volvo", ("FH", "FM", "XC60")),
    ("Tesla", ("Model 3", "Model Y")),
    ("Hyundai", ("H350", "Ioniq 5", "Tucson")),
)

FIRST_VEHICLE_YEAR = 2008
LAST_VEHICLE_YEAR = 2026
