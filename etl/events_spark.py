"""The Spark engine of the events seam (`etl.user_months`): event files where they live.

Spark reads the files (every CSV cell as text, Parquet in its own types) and hands each
batch, as Arrow, to DuckDB in the executor, which runs the loader's own generated checks
and key macro on it (`etl.user_months.batch_sql`): the rules and reject reasons cannot drift
from `scaleboard load`'s, since they are the same SQL. Spark does the rest: the reading in
parallel, the shuffle that makes user-months distinct across files and executors, the
writes. A rejected row is found by its file, the block of the file its task read and its
position there; the blocks' row counts, summed in file order, give its record number.

Imported only when `--engine spark` is chosen: PySpark is an optional extra.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pyarrow as pa
from pyspark import StorageLevel
from pyspark.errors import PySparkException
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from etl.user_months import (
    EVENT_COLUMNS,
    MANIFEST,
    REJECTS_DIR,
    USERS_DIR,
    EngineError,
    EventFile,
    EventsJob,
    InputFile,
    Manifest,
    batch_connection_setup,
    batch_output_sql,
    batch_sql,
    describe_local,
    prepare_connection,
    prepare_local_out,
)

CSV_OPTIONS = {
    "header": "true",
    "multiLine": "true",  # a quoted cell may hold a line break; each CSV file is one task
    "quote": '"',
    "escape": '"',
    "mode": "FAILFAST",
    "encoding": "UTF-8",
    "enforceSchema": "true",
    "ignoreLeadingWhiteSpace": "false",
    "ignoreTrailingWhiteSpace": "false",
}
"""CSV read as the loader reads it (RFC 4180, every cell text, a malformed record refuses)."""

DEFAULT_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.maxRecordsPerBatch": "100000",
}
LOCAL_CONF = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.shuffle.partitions": "8",
}
"""A local master listens on loopback only, with few shuffle partitions for few cores."""


def spark_session(master: str, conf: dict[str, str]) -> SparkSession:
    """A Spark session on `master` with the engine's defaults, `conf` taking precedence.
    A local master's Python workers run this interpreter (its packages: DuckDB, etl)."""
    local = master.startswith("local")
    if local:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master).appName("scaleboard aggregate-events")
    for name, value in {**DEFAULT_CONF, **(LOCAL_CONF if local else {}), **conf}.items():
        builder = builder.config(name, value)
    try:
        session = builder.getOrCreate()
    except PySparkException as exc:
        raise EngineError(
            f"Spark could not start ({_first_line(exc)}); it needs Java 17: "
            "`make setup-spark`, or apt-get install openjdk-17-jre-headless, or set JAVA_HOME"
        ) from None
    session.sparkContext.setLogLevel("ERROR")
    return session


def _first_line(exc: BaseException) -> str:
    for line in str(exc).splitlines():
        if line.strip():
            return line.strip()
    return type(exc).__name__


def _has_scheme(text: str) -> bool:
    return "://" in text or text.startswith("file:")


def _local_uri(path: Path) -> str:
    """A local file as Hadoop names it: `file://` and the path as it is (Hadoop escapes it
    itself; a percent-encoded `month%3D2026-01` would name another folder)."""
    return f"file://{path.resolve()}"


def _file_key(location: str) -> str:
    """One spelling of a file's place for comparing the driver's list with Spark's
    `input_file_name()` (percent-encoded, `file:` URIs for local files)."""
    parsed = urlparse(location)
    if parsed.scheme in ("", "file"):
        return str(Path(unquote(parsed.path)).resolve())
    return unquote(location)


def _out_schema(user_key: T.DataType) -> T.StructType:
    text, whole = T.StringType(), T.LongType()
    fields = [
        ("kind", text),
        ("initiative_id", text),
        ("month", T.DateType()),
        ("user_key", user_key),
        ("file", text),
        ("block", whole),
        ("pos", whole),
        ("n", whole),
        ("column_name", text),
        ("value", text),
        ("reason", text),
    ]
    return T.StructType([T.StructField(name, kind) for name, kind in fields])


def _arrow_schema(md5_64: bool) -> pa.Schema:
    text = pa.string()
    return pa.schema(
        [
            ("kind", text),
            ("initiative_id", text),
            ("month", pa.date32()),
            ("user_key", pa.decimal128(20, 0) if md5_64 else text),
            ("file", text),
            ("block", pa.int64()),
            ("pos", pa.int64()),
            ("n", pa.int64()),
            ("column_name", text),
            ("value", text),
            ("reason", text),
        ]
    )


@dataclass(frozen=True)
class _Batches:
    """What each executor needs to check its batches: SQL built on the driver."""

    setup: list[str]
    known_ids: list[str]
    check_sql: str
    output_sql: str
    md5_64: bool

    def __call__(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import duckdb

        schema = _arrow_schema(self.md5_64)
        con = duckdb.connect()
        try:
            prepare_connection(con, self.setup, self.known_ids)
            for batch in batches:
                if batch.num_rows == 0:
                    continue
                con.register("batch", pa.Table.from_batches([batch]))
                con.execute(self.check_sql)
                out = con.sql(self.output_sql).to_arrow_table().cast(schema)
                con.unregister("batch")
                yield from out.to_batches()
        finally:
            con.close()


def _group_key(f: EventFile) -> tuple[str, tuple[str, ...]]:
    """Files read together: one format and header; Parquet files of one schema too."""
    if f.format != "parquet" or urlparse(f.location).scheme != "file":
        return f.format, f.header
    import pyarrow.parquet as pq

    schema = pq.read_schema(unquote(urlparse(f.location).path))
    return f.format, tuple(f"{field.name}: {field.type}" for field in schema)


class SparkEvents:
    """Event files to keyed user-months on Spark (`master`: local[N] or a cluster's URL)."""

    name = "spark"

    def __init__(
        self,
        master: str = "local[2]",
        conf: dict[str, str] | None = None,
        session: SparkSession | None = None,
    ) -> None:
        self.master, self.conf = master, dict(conf or {})
        self._given = session

    @functools.cached_property
    def spark(self) -> SparkSession:
        return self._given or spark_session(self.master, self.conf)

    def close(self) -> None:
        """Stops the session this engine started (a session it was given stays)."""
        if self._given is None and "spark" in self.__dict__:
            self.spark.stop()
            del self.__dict__["spark"]

    def describe(self, paths: Sequence[str]) -> list[EventFile]:
        local = [p for p in paths if not _has_scheme(p)]
        described = [  # Spark reads local files by URI
            dataclasses.replace(f, location=_local_uri(Path(f.location)))
            for f in (describe_local(local) if local else [])
        ]
        remote = [p for p in paths if _has_scheme(p)]
        return described + (_describe_remote(self.spark, remote) if remote else [])

    def aggregate(self, job: EventsJob, out: str) -> Manifest:
        try:
            return _aggregate(self.spark, job, out)
        except PySparkException as exc:
            raise EngineError(f"the Spark job failed: {_first_line(exc)}") from None
        except Exception as exc:  # py4j's errors from the JVM: the job failed there
            if type(exc).__module__.startswith("py4j"):
                raise EngineError(f"the Spark job failed: {_first_line(exc)}") from None
            raise
        finally:
            self.close()


def _read_group(spark: SparkSession, files: list[EventFile]) -> DataFrame:
    first = files[0]
    locations = [f.location for f in files]
    if first.format == "csv":
        names = list(first.header)
        schema = T.StructType([T.StructField(n, T.StringType()) for n in names])
        frame = spark.read.schema(schema).options(**CSV_OPTIONS).csv(locations)
    else:
        frame = spark.read.parquet(*locations)
    cells = [
        (frame[f"`{name}`"] if name else F.lit(None).cast("string")).alias(f"c_{column}")
        for column, name in ((c, first.columns.get(c)) for c in EVENT_COLUMNS)
    ]
    return frame.select(
        F.input_file_name().alias("_file"),
        F.expr("input_file_block_start()").alias("_block"),
        F.monotonically_increasing_id().alias("_pos"),
        *cells,
    )


def _checked(spark: SparkSession, job: EventsJob) -> DataFrame:
    md5_64 = job.key.key_format == "md5-64"
    batches = _Batches(
        batch_connection_setup(job),
        job.known_ids,
        batch_sql(job),
        batch_output_sql("decimal(20, 0)" if md5_64 else "varchar"),
        md5_64,
    )
    schema = _out_schema(T.DecimalType(20, 0) if md5_64 else T.StringType())
    groups: dict[tuple[str, tuple[str, ...]], list[EventFile]] = {}
    for f in job.files:
        groups.setdefault(_group_key(f), []).append(f)
    frames = [_read_group(spark, files).mapInArrow(batches, schema) for files in groups.values()]
    return functools.reduce(DataFrame.unionByName, frames)


def _offsets(blocks: list[Any], index_of: dict[str, int]) -> list[tuple[int, str, int, int, int]]:
    """(file index, file, block, first position, rows before the block) of every block
    read, the blocks of a file in their order in it."""
    ordered = sorted(blocks, key=lambda r: (index_of[_file_key(r["file"])], r["block"]))
    rows, before, current = [], 0, None
    for r in ordered:
        index = index_of[_file_key(r["file"])]
        if index != current:
            before, current = 0, index
        rows.append((index, r["file"], int(r["block"]), int(r["first"]), before))
        before += int(r["rows"])
    return rows


def _summary(checked: DataFrame) -> list[Any]:
    """In one job: the valid events per month (`user` rows), the rows and first position of
    each block read (`block`), the rejects per block (`reject`)."""
    months = (
        checked.where("kind = 'user'")
        .groupBy("kind", "month")
        .agg(F.sum("n").alias("rows"))
        .select(
            "kind",
            F.lit(None).cast("string").alias("file"),
            F.lit(None).cast("long").alias("block"),
            "month",
            F.lit(None).cast("long").alias("first"),
            "rows",
        )
    )
    blocks = (
        checked.where("kind <> 'user'")
        .groupBy("kind", "file", "block")
        .agg(F.min("pos").alias("first"), F.sum("n").alias("rows"))
        .select("kind", "file", "block", F.lit(None).cast("date").alias("month"), "first", "rows")
    )
    return list(months.unionByName(blocks).collect())


def _aggregate(spark: SparkSession, job: EventsJob, out: str) -> Manifest:
    index_of = {_file_key(f.location): i for i, f in enumerate(job.files)}
    base = out.rstrip("/")
    _prepare_out(spark, base)
    if not job.files:
        return _finish(spark, job, base, {}, {}, {}, 0)
    # read twice (the user-months, then the counts); kept on disk only: a memory level
    # reads a spilled partition back into the heap whole, which a month of 4M events
    # overflows on a default 1 GB driver (java.lang.OutOfMemoryError at 100M events)
    checked = _checked(spark, job).persist(StorageLevel.DISK_ONLY)
    try:
        checked.where("kind = 'user'").select(
            "initiative_id", "month", "user_key"
        ).distinct().write.mode("overwrite").parquet(f"{base}/{USERS_DIR}")
        summary = _summary(checked)
        blocks = [r for r in summary if r["kind"] == "block"]
        per_file_rows: dict[int, int] = {}
        per_file_rejects: dict[int, int] = {}
        for r in summary:
            counts = {"block": per_file_rows, "reject": per_file_rejects}.get(r["kind"])
            if counts is not None:
                index = index_of[_file_key(r["file"])]
                counts[index] = counts.get(index, 0) + int(r["rows"])
        if per_file_rejects:
            _write_rejects(spark, checked, _offsets(blocks, index_of), f"{base}/{REJECTS_DIR}")
    finally:
        checked.unpersist()
    months = {r["month"].isoformat(): int(r["rows"]) for r in summary if r["kind"] == "user"}
    rows = spark.read.parquet(f"{base}/{USERS_DIR}").count()
    return _finish(spark, job, base, months, per_file_rows, per_file_rejects, rows)


def _write_rejects(
    spark: SparkSession,
    checked: DataFrame,
    offsets: list[tuple[int, str, int, int, int]],
    target: str,
) -> None:
    schema = "file_index int, file string, block long, first long, before long"
    blocks = F.broadcast(spark.createDataFrame(offsets, schema))
    numbered = checked.where("kind = 'reject'").join(blocks, ["file", "block"])
    numbered.select(
        "file_index",
        (F.col("before") + F.col("pos") - F.col("first") + 1).alias("row_number"),
        "column_name",
        "value",
        "reason",
    ).orderBy("file_index", "row_number").write.mode("overwrite").parquet(target)


def _finish(
    spark: SparkSession,
    job: EventsJob,
    base: str,
    months: dict[str, int],
    rows: dict[int, int],
    rejects: dict[int, int],
    user_months: int,
) -> Manifest:
    manifest = Manifest(
        engine="spark",
        key_format=job.key.key_format,
        key_fingerprint=job.key.fingerprint,
        plausible_months=job.months.describe(),
        files=[
            InputFile(
                path=f.display,
                format=f.format,
                sha256=f.sha256,
                rows_read=rows.get(i, 0),
                rows_rejected=rejects.get(i, 0),
                warnings=list(f.warnings),
            )
            for i, f in enumerate(job.files)
        ],
        months=dict(sorted(months.items())),
        user_month_rows=user_months,
    )
    _write_text(spark, f"{base}/{MANIFEST}", manifest.to_text())
    return manifest


def _hadoop_path(spark: SparkSession, location: str) -> tuple[Any, Any]:
    """A Hadoop `Path` and its file system (local, HDFS, S3, ...), through the JVM."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    path = jvm.org.apache.hadoop.fs.Path(location)
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    return path, path.getFileSystem(conf)


def _prepare_out(spark: SparkSession, base: str) -> None:
    """An output folder: new, empty, or an earlier output (its manifest goes first, so a
    job that fails leaves no folder `load` would take for finished)."""
    if not _has_scheme(base):
        prepare_local_out(Path(base))
        return
    for name, recursive in ((MANIFEST, False), (REJECTS_DIR, True)):
        path, fs = _hadoop_path(spark, f"{base}/{name}")
        if fs.exists(path):
            fs.delete(path, recursive)


def _write_text(spark: SparkSession, location: str, text: str) -> None:
    path, fs = _hadoop_path(spark, location)
    stream = fs.create(path, True)
    try:
        stream.write(bytearray(text.encode()))
    finally:
        stream.close()


def _read_first_line(spark: SparkSession, location: str) -> str:
    path, fs = _hadoop_path(spark, location)
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    reader = jvm.java.io.BufferedReader(jvm.java.io.InputStreamReader(fs.open(path), "UTF-8"))
    try:
        return str(reader.readLine() or "")
    finally:
        reader.close()


def _list_remote(spark: SparkSession, location: str) -> list[tuple[str, int, int]]:
    """(URI, size, modification time) of the files a URI names: a file, a folder (every
    file under it, Hive-style `month=` folders included) or a glob."""
    path, fs = _hadoop_path(spark, location)
    statuses = fs.globStatus(path) or []
    found = []
    for status in statuses:
        if status.isDirectory():
            files = fs.listFiles(status.getPath(), True)
            while files.hasNext():
                f = files.next()
                found.append((str(f.getPath().toString()), f.getLen(), f.getModificationTime()))
        else:
            found.append(
                (str(status.getPath().toString()), status.getLen(), status.getModificationTime())
            )
    return sorted(found)


def _describe_remote(spark: SparkSession, paths: Sequence[str]) -> list[EventFile]:
    """Files on a Hadoop file system. Reading them to digest their content would cost a
    pass over the data on the driver, so a file's identity is the digest of its URI, size
    and modification time: a file rewritten in place with the same size and time is not
    told apart from the one loaded before."""
    import hashlib

    from etl.loader import file_columns
    from etl.readers import RefusedFile, SourceFile, format_of
    from etl.results import FileResult
    from etl.user_months import ENTITY, READ_FORMATS

    described = []
    for location in paths:
        listed = _list_remote(spark, location)
        if not listed:
            raise RefusedFile(Path(location), "no such file or folder; check the URI")
        for uri, size, mtime in listed:
            name = uri.rsplit("/", 1)[-1]
            fmt = format_of(Path(name))
            if name.startswith(("_", ".")) or fmt not in READ_FORMATS:
                continue
            if fmt == "csv":
                header = next(
                    csv.reader(io.StringIO(_read_first_line(spark, uri).lstrip("\ufeff"))), []
                )
            else:
                header = list(spark.read.parquet(uri).columns)
            digest = hashlib.sha256(f"{uri}\n{size}\n{mtime}".encode()).hexdigest()
            source = SourceFile(Path(name), ENTITY, fmt, digest)
            noted = FileResult(uri, ENTITY, digest, fmt)
            columns = file_columns(source, header, noted)
            described.append(
                EventFile(uri, uri, fmt, digest, columns, tuple(noted.warnings), tuple(header))
            )
    return described
