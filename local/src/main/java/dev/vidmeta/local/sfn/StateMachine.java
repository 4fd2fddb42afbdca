package dev.vidmeta.local.sfn;

import java.time.Instant;

/** A created state machine: its validated definition plus what DescribeStateMachine reports. */
record StateMachine(String arn, String name, String definitionText, Definition definition, String roleArn,
        Instant creationDate) {
}
