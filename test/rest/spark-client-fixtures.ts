// Requests byte for byte as Spark 3.5's RestSubmissionClient sends them (Jackson's pretty
// printer, keys of the message sorted, maps in the client's own order, no trailing newline),
// the headers HttpURLConnection adds, and a TaskStatus in protobuf text form.

/** Headers of `postJson`: HttpURLConnection's defaults plus the two the client sets. */
export const CLIENT_POST_HEADERS = {
  'content-type': 'application/json',
  charset: 'utf-8',
  'user-agent': 'Java/11.0.22',
  accept: 'text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2',
};

/** `spark-submit --master mesos://d:7077 --deploy-mode cluster --supervise --driver-memory 2000M --class org.apache.spark.examples.SparkPi http://repo/app.jar 100` */
export const JVM_CREATE_REQUEST = `{
  "action" : "CreateSubmissionRequest",
  "appArgs" : [ "100" ],
  "appResource" : "http://repo/app.jar",
  "clientSparkVersion" : "3.5.1",
  "environmentVariables" : {
    "SPARK_EXECUTOR_URI" : "http://repo/spark-3.5.1-bin-hadoop3.tgz"
  },
  "mainClass" : "org.apache.spark.examples.SparkPi",
  "sparkProperties" : {
    "spark.jars" : "http://repo/app.jar",
    "spark.driver.supervise" : "true",
    "spark.app.name" : "SparkPi",
    "spark.driver.memory" : "2000M",
    "spark.submit.deployMode" : "cluster",
    "spark.master" : "mesos://d:7077"
  }
}`;

/**
 * `spark-submit --master mesos://d:7077 --deploy-mode cluster --py-files http://repo/deps.zip
 * --conf spark.executor.memory=4g --conf spark.cores.max=8 http://repo/pi.py 10`: the main
 * class is empty, `spark.submit.pyFiles` is set, and the client forwards MESOS_* variables too.
 */
export const PYTHON_CREATE_REQUEST = `{
  "action" : "CreateSubmissionRequest",
  "appArgs" : [ "10" ],
  "appResource" : "http://repo/pi.py",
  "clientSparkVersion" : "3.5.1",
  "environmentVariables" : {
    "SPARK_EXECUTOR_URI" : "http://repo/spark-3.5.1-bin-hadoop3.tgz",
    "MESOS_NATIVE_JAVA_LIBRARY" : "/usr/local/lib/libmesos.so",
    "SPARK_SCALA_VERSION" : "2.12"
  },
  "mainClass" : "",
  "sparkProperties" : {
    "spark.executor.memory" : "4g",
    "spark.submit.pyFiles" : "http://repo/deps.zip",
    "spark.app.name" : "pi.py",
    "spark.cores.max" : "8",
    "spark.submit.deployMode" : "cluster",
    "spark.master" : "mesos://d:7077"
  }
}`;

/** What `toString` of a Mesos TaskStatus gave the original's status message. */
export const RUNNING_TASK_STATUS = `task_id {
  value: "driver-20240131235959-0001"
}
state: TASK_RUNNING
slave_id {
  value: "7b1b2f3c-5d1e-4f0a-9c1b-0a1b2c3d4e5f-S0"
}
timestamp: 1.706745605123E9
source: SOURCE_EXECUTOR
`;

export const FAILED_TASK_STATUS = `task_id {
  value: "driver-20240131235959-0001"
}
state: TASK_FAILED
message: "Command exited with status 1"
slave_id {
  value: "7b1b2f3c-5d1e-4f0a-9c1b-0a1b2c3d4e5f-S0"
}
timestamp: 1.706745699E9
source: SOURCE_EXECUTOR
reason: REASON_COMMAND_EXECUTOR_FAILED
`;

export const PLEASE = ' Please submit requests through http://[host]:[port]/v1/submissions/...';
