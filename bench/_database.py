"""The benchmarks' own databases on the project cluster (or $BENCH_DATABASE_URL): made when missing."""


def ensure(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.replace("postgis://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            print(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')  # our default or the operator's env, never a request
