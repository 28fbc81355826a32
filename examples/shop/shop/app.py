"""HTTP front end: product list, order placement, upload of product images."""
import os
import uuid

import psycopg2
from flask import Flask, abort, jsonify, request

app = Flask(__name__)
UPLOADS = "/app/uploads"


def db():
    return psycopg2.connect(os.environ["DATABASE_URL"])


@app.get("/healthz")
def healthz():
    return {"ok": True}


@app.get("/products")
def products():
    with db() as conn, conn.cursor() as cur:
        cur.execute("SELECT id, name, price_cents FROM products ORDER BY name")
        rows = cur.fetchall()
    return jsonify([{"id": r[0], "name": r[1], "price_cents": r[2]} for r in rows])


@app.post("/orders")
def place_order():
    body = request.get_json(force=True)
    if not body or "product_id" not in body:
        abort(400)
    with db() as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO orders (product_id, quantity, status) VALUES (%s, %s, 'new') RETURNING id",
            (body["product_id"], int(body.get("quantity", 1))),
        )
        order_id = cur.fetchone()[0]
    return {"id": order_id}, 201


@app.post("/images")
def upload_image():
    f = request.files["image"]
    name = f"{uuid.uuid4()}.jpg"
    f.save(os.path.join(UPLOADS, name))
    return {"name": name}, 201
