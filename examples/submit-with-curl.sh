#!/bin/sh
# Submits a driver through the Spark REST API the way `spark-submit --deploy-mode cluster
# --master mesos://127.0.0.1:7077` does, then asks for its status. With `make run` running:
#   sh examples/submit-with-curl.sh
# DISPATCHER and JAR point it elsewhere.
set -eu
DISPATCHER=${DISPATCHER:-http://127.0.0.1:7077}
JAR=${JAR:-http://127.0.0.1:8090/spark-examples_2.12-3.5.1.jar}

answer=$(curl -sS -X POST "$DISPATCHER/v1/submissions/create" \
  -H 'Content-Type: application/json;charset=UTF-8' \
  --data @- <<JSON
{
  "action" : "CreateSubmissionRequest",
  "appArgs" : [ "100" ],
  "appResource" : "$JAR",
  "clientSparkVersion" : "3.5.1",
  "environmentVariables" : { "SPARK_SCALA_VERSION" : "2.12" },
  "mainClass" : "org.apache.spark.examples.SparkPi",
  "sparkProperties" : {
    "spark.app.name" : "SparkPi (REST)",
    "spark.driver.memory" : "512m",
    "spark.submit.deployMode" : "cluster",
    "spark.master" : "mesos://127.0.0.1:7077"
  }
}
JSON
)
echo "$answer"
id=$(printf '%s' "$answer" | sed -n 's/.*"submissionId" : "\([^"]*\)".*/\1/p')
[ -n "$id" ] || exit 1
sleep 2
curl -sS "$DISPATCHER/v1/submissions/status/$id"
echo
echo "Its log: kubectl sparkdriver logs -f $id"
