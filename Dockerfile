# One image for every sample agent; the first container argument picks the agent:
#   docker build -t agentry/agent-samples:0.1.0 .
#   docker run --rm agentry/agent-samples:0.1.0 model-worker [--property=value ...]
#
# Build ARGs:
#   BUILD_IMAGE    JDK image that runs the Maven wrapper (or, with PREBUILT_JAR, only the
#                  layer extraction, for which a JRE is enough)
#   RUNTIME_IMAGE  JRE image that runs the agents
#   PREBUILT_JAR   empty (default): build the jar with ./mvnw inside the image build.
#                  A path in the build context, e.g. agent-samples/target/agent-samples.jar:
#                  use that jar, built on the host by
#                  ./mvnw -B -q -pl agent-samples -am package -DskipTests
#                  The runtime stage is the same either way.
ARG BUILD_IMAGE=eclipse-temurin:21-jdk
ARG RUNTIME_IMAGE=eclipse-temurin:21-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /workspace
# The wrapper, the poms and the sources of every module (the reactor reads every module's
# pom even when it builds one); .dockerignore keeps everything else out.
COPY . .
ARG PREBUILT_JAR=
# Spring Boot's layered extraction: dependencies change least, the application most, so a
# rebuild after a code change ships the small application layer (and the CDS archive, about
# 45 MB, trained again below). The extracted form (agent-samples.jar
# beside lib/) is what a CDS archive needs: classes loaded from nested jars are not archived.
RUN if [ -z "${PREBUILT_JAR}" ]; then \
      ./mvnw -B -q -pl agent-samples -am package -DskipTests \
      && cp agent-samples/target/agent-samples.jar /tmp/agent-samples.jar; \
    else \
      cp "${PREBUILT_JAR}" /tmp/agent-samples.jar; \
    fi \
    && java -Djarmode=tools -jar /tmp/agent-samples.jar extract --layers --destination /layers

FROM ${RUNTIME_IMAGE}
# A numeric UID, so that Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
ARG APP_UID=10001
RUN groupadd --system --gid "${APP_UID}" agentry \
    && useradd --system --uid "${APP_UID}" --gid agentry --home-dir /tmp --no-create-home \
       --shell /usr/sbin/nologin agentry
WORKDIR /app
# One COPY per layer that Boot lists (spring-boot-loader is empty in the extracted form).
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# In a container every agent listens on the same ports (the samples jar's local defaults
# differ per agent so that they share one machine); the Helm chart sets the same values.
ENV SERVER_ADDRESS=0.0.0.0 \
    SERVER_PORT=8080 \
    AGENT_ENDPOINT_BIND=tcp://*:5555 \
    AGENT_HEALTH_BIND=tcp://*:5556 \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
# A CDS archive from a training run (Spring Boot's: refresh the context, then exit) with this
# image's JVM and options: the agents start in about half the time. MaxRAM keeps the training
# heap below 32 GB whatever the build machine has, so that it uses compressed oops as the
# agents do under any memory limit below about 42 GB; an archive made without them would be
# ignored. A JVM that the archive does not fit (a larger heap, another class path) runs
# without it. The training's own files in /tmp leave with it.
RUN java -XX:MaxRAM=1g -XX:ArchiveClassesAtExit=agent-samples.jsa -Dspring.context.exit=onRefresh \
       -jar agent-samples.jar model-worker > /tmp/training.log 2>&1 \
    || { cat /tmp/training.log; exit 1; }; \
    rm -rf /tmp/* && test -s agent-samples.jsa
# The files belong to root and are read-only for the agent: only /tmp (the shutdown report,
# Tomcat's work files) is written, so the root filesystem can be mounted read-only.
USER ${APP_UID}:${APP_UID}
EXPOSE 8080 5555 5556
# Exec form: the JVM is PID 1 and receives SIGTERM itself, which starts the graceful shutdown.
# The heap follows the container's memory limit (MaxRAMPercentage in JDK_JAVA_OPTIONS, which
# a deployment may replace); there is no fixed -Xmx. The archive is named here, not in
# JDK_JAVA_OPTIONS, so that replacing those options keeps it.
ENTRYPOINT ["java", "-XX:SharedArchiveFile=agent-samples.jsa", "-jar", "agent-samples.jar"]
