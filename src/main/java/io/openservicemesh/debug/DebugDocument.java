package io.openservicemesh.debug;

import jakarta.json.JsonObject;

/** What a debug view answers, in both of its forms: JSON for tools, text for a person at a terminal. */
interface DebugDocument {

  JsonObject json();

  String text();
}
