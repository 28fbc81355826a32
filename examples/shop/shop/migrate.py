"""Creates the shop's tables if they are missing."""
import os

import psycopg2

SCHEMA = """
CREATE TABLE IF NOT EXISTS products (id serial PRIMARY KEY, name text NOT NULL, price_cents int NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    id serial PRIMARY KEY,
    product_id int REFERENCES products(id),
    quantity int NOT NULL DEFAULT 1,
    status text NOT NULL
);
"""

if __name__ == "__main__":
    with psycopg2.connect(os.environ["DATABASE_URL"]) as conn, conn.cursor() as cur:
        cur.execute(SCHEMA)
