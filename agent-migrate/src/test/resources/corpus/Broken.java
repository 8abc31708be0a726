package com.example.legacy;

/** Half-edited in a merge conflict: this file does not parse. */
public class Broken {

    public void run() {
        while (true {
            System.out.println("never");
        }
    }
