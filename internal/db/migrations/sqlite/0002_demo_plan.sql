-- Demo data plan: the star each demo product is meant to reach, so that the
-- evaluation module can reproduce Hanoi's published figures (6 five-star,
-- 22 potential five-star, 1,571 four-star, 1,718 three-star since 2019).
-- Written only by `ocop demo`; empty in real databases.
-- Keep in step with ../postgres/0002_demo_plan.sql (same table, same columns).

CREATE TABLE demo_plan (
    product_id INTEGER PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
    star       INTEGER NOT NULL CHECK (star BETWEEN 1 AND 5),
    potential5 BOOLEAN NOT NULL,
    first_year INTEGER NOT NULL
);
