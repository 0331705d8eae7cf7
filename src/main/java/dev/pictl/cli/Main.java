package dev.pictl.cli;

public final class Main {
    public static void main(String[] args) {
        System.out.println("pictl");
    }
}
