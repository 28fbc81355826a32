#!/usr/bin/env bash
# Deploy the shop to the production host: ./deploy.sh [TAG]
# "Temporary" until the move to compose/Kubernetes; run as root on the host.
set -euo pipefail

TAG=${1:-1.4.2}
DB_PASSWORD=s3cr3t-Pa55

cd "$(dirname "$0")"
docker build -t "shop/web:${TAG}" .
docker network inspect shop >/dev/null 2>&1 || docker network create shop

docker rm -f shop-db shop-web shop-worker 2>/dev/null || true

docker run -d --name shop-db --network shop --restart unless-stopped \
    -e POSTGRES_USER=shop -e POSTGRES_PASSWORD="$DB_PASSWORD" -e POSTGRES_DB=shop \
    -v pgdata:/var/lib/postgresql/data \
    postgres:16

docker run -d --name shop-web --network shop --restart always \
    -p 80:8000 -p 2222:22 \
    -e DATABASE_URL="postgres://shop:${DB_PASSWORD}@shop-db:5432/shop" \
    -e AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE \
    -e AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
    -v /srv/shop/uploads:/app/uploads \
    "shop/web:${TAG}"

# The worker starts thumbnail containers through the host engine.
docker run -d --name shop-worker --network shop --restart always --privileged \
    -v /var/run/docker.sock:/var/run/docker.sock \
    -v /srv/shop/uploads:/app/uploads \
    -e DATABASE_URL="postgres://shop:${DB_PASSWORD}@shop-db:5432/shop" \
    "shop/web:${TAG}" python -m shop.worker

# One-off schema migration; needs to see the host's network to reach the old database.
docker run --rm --privileged --network host --pid host --security-opt seccomp=unconfined \
    "shop/web:${TAG}" python -m shop.migrate
