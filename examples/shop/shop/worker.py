"""Background worker: picks up new orders and makes thumbnails in throwaway containers.

It talks to the host's Docker engine through the mounted socket to start an imagemagick
container per upload, which is why compose gives it /var/run/docker.sock (and, after a
permissions error nobody investigated, `privileged: true`).
"""
import os
import time

import boto3
import docker
import psycopg2


def main():
    engine = docker.from_env()
    s3 = boto3.client("s3")
    conn = psycopg2.connect(os.environ["DATABASE_URL"])
    while True:
        with conn, conn.cursor() as cur:
            cur.execute("UPDATE orders SET status = 'processing' WHERE status = 'new' RETURNING id")
            for (order_id,) in cur.fetchall():
                s3.put_object(Bucket=os.environ["S3_BUCKET"], Key=f"orders/{order_id}", Body=b"")
        for name in os.listdir("/app/uploads"):
            if name.endswith(".jpg") and not name.startswith("thumb-"):
                engine.containers.run(
                    "dpokidov/imagemagick:latest",
                    [f"/work/{name}", "-resize", "256x256", f"/work/thumb-{name}"],
                    volumes={"/app/uploads": {"bind": "/work", "mode": "rw"}},
                    remove=True,
                )
        time.sleep(5)


if __name__ == "__main__":
    main()
