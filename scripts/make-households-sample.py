# Writes scenarios/xihu/households-sample.csv: a SYNTHETIC household table for
# Xihu (not survey data; docs/scenarios.md). Deterministic (seeded); run from the
# repository root with /usr/bin/python3.
import random, math
rng = random.Random(20210701)
rows = []
def lognorm(mean, sigma):
    return mean * math.exp(sigma * rng.gauss(0, 1) - 0.5 * sigma * sigma)
def money(x):
    return int(round(x / 100.0)) * 100
groups = [  # residence, hukou, rows, wage mean, deposits mean, housing mean, weight mean
    ("urban", "local_urban", 150, 9500, 300000, 4000000, 1500),
    ("urban", "migrant", 100, 7000, 60000, 0, 1600),
    ("urban", "local_agricultural", 20, 7000, 150000, 2500000, 1500),
    ("rural", "local_agricultural", 40, 6000, 120000, 1200000, 1000),
]
for residence, hukou, n, wage, dep, house, weight in groups:
    for _ in range(n):
        u = rng.random()
        if hukou != "migrant" and u < 0.12:
            working, children, elderly = 0, 0, 1 + (rng.random() < 0.5)
        else:
            working = 1 + (rng.random() < 0.72)
            if hukou != "migrant" and rng.random() < 0.06:
                working = 3 + (rng.random() < 0.3)  # adult children at home: split in the model
            children = (rng.random() < 0.3) + (rng.random() < 0.25)
            elderly = 0 if hukou == "migrant" else (rng.random() < 0.2) + (rng.random() < 0.15)
        w1 = money(lognorm(wage, 0.5)) if working >= 1 else 0
        w2 = money(lognorm(wage * 0.85, 0.5)) if working >= 2 else 0
        if working >= 1 and rng.random() < 0.05:
            w1 = 0  # not working at the survey: skill drawn
        deposits = money(lognorm(dep, 0.9))
        housing = 0 if house == 0 or (hukou == "migrant") else money(lognorm(house, 0.5))
        if hukou == "migrant" and rng.random() < 0.15:
            housing = money(lognorm(2500000, 0.5))  # bought a flat
        wt = round(lognorm(weight, 0.3), 1)
        rows.append((residence, hukou, children, working, elderly, w1, w2, deposits, housing, wt))
with open("scenarios/xihu/households-sample.csv", "w") as f:
    f.write("residence,hukou,children,working_age,elderly,wage_1,wage_2,deposits,housing_wealth,weight\n")
    for r in rows:
        f.write(",".join(str(x) for x in r) + "\n")
print(len(rows))
