/**
 * The vimi Spring Boot starter: auto-configuration of a {@code VimiPipeline} bean from {@code vimi.*}
 * properties, its health indicator, and its Micrometer observer. Spring and Micrometer jars are
 * automatic modules; actuator's health and vimi-micrometer are optional (used when present).
 */
module dev.vimi.spring.boot {
  requires transitive dev.vimi.api;
  requires spring.boot;
  requires spring.boot.autoconfigure;
  requires spring.beans;
  requires spring.context;
  requires spring.core;
  requires static spring.boot.health;
  requires static dev.vimi.micrometer;
  requires static micrometer.core;
  requires static micrometer.observation;
  requires org.slf4j;

  exports dev.vimi.spring.boot.autoconfigure;

  opens dev.vimi.spring.boot.autoconfigure to spring.core, spring.beans, spring.context;
}
