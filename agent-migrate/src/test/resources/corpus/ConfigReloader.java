package com.example.legacy;

import sun.misc.Signal;

/** Reloads its configuration on SIGHUP: a handler migrate must not remove. */
public class ConfigReloader {

    private volatile String config = "default";

    public void install() {
        Signal.handle(new Signal("HUP"), signal -> reload());
    }

    void reload() {
        config = System.getProperty("legacy.config", "default");
    }

    public String config() {
        return config;
    }
}
