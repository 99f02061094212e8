// The files the launcher writes beside the daemon's jars, in the cache: the pom Maven fetches
// them with, and the daemon's logging settings.

/**
 * The pom of the MultiLangDaemon of a KCL version: `mvn dependency:copy-dependencies` brings
 * `amazon-kinesis-client-multilang` and its dependencies from Maven Central; nothing is built.
 */
export function daemonPom(version: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by kpl-kcl (@kpl-lambda/kcl): the jars of the KCL ${version} MultiLangDaemon, fetched
     into lib/ with mvn dependency:copy-dependencies -DoutputDirectory=lib; nothing is built. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>kpl-lambda</groupId>
  <artifactId>kcl-multilang-daemon</artifactId>
  <version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>software.amazon.kinesis</groupId>
      <artifactId>amazon-kinesis-client-multilang</artifactId>
      <version>${version}</version>
    </dependency>
  </dependencies>
</project>
`;
}

/**
 * The daemon's logging: the settings of its own jar (INFO, on the console), but for the line it
 * logs at ERROR for every line the child writes to stderr ("Received error line from
 * subprocess"), which it prints as it is besides: the child's logs appear once, as written.
 */
export const DAEMON_LOGBACK = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by kpl-kcl (@kpl-lambda/kcl): the daemon's own logging, without its ERROR line for
     each line the child writes to stderr, which it prints as written besides. -->
<configuration>
  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
    <encoder>
      <pattern>%d [%thread] %-5level %logger{36} [%mdc{ShardId:-NONE}] - %msg %n</pattern>
    </encoder>
  </appender>
  <logger name="software.amazon.kinesis.multilang.DrainChildSTDERRTask" level="OFF" />
  <root level="INFO">
    <appender-ref ref="CONSOLE" />
  </root>
</configuration>
`;
