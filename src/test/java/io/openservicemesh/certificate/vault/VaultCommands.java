package io.openservicemesh.certificate.vault;

import io.openservicemesh.config.GoDuration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies {@code vault} CLI command lines, as a document prints them, to the Vault test server: the subset
 * of the CLI that sets up a PKI mount ({@code secrets enable}, {@code secrets tune -max-lease-ttl}, {@code
 * write <mount>/config/urls}, {@code write <mount>/roles/<name>}, {@code write <mount>/root/generate/internal}).
 * Lines are read like a shell would: comments and a trailing {@code ;} dropped, {@code ${VAR}} expanded,
 * quotes removed. A role parameter Vault does not know is ignored with a warning, as Vault does; anything
 * else outside the subset fails the test rather than being skipped.
 */
final class VaultCommands {

  private final VaultTestServer server;
  private final Map<String, String> variables;
  private final List<String> warnings = new ArrayList<>();

  VaultCommands(VaultTestServer server, Map<String, String> variables) {
    this.server = server;
    this.variables = variables;
  }

  /** What Vault would have warned about (e.g. unrecognized role parameters). */
  List<String> warnings() {
    return List.copyOf(warnings);
  }

  VaultCommands run(String script, Instant now) {
    for (String line : script.split("\n")) {
      String command = line.strip();
      if (command.isEmpty() || command.startsWith("#") || command.startsWith("export ")
          || command.startsWith("echo ") || command.startsWith("vault server ")) {
        continue;
      }
      if (command.endsWith(";")) {
        command = command.substring(0, command.length() - 1);
      }
      apply(words(expand(command)), now);
    }
    return this;
  }

  private void apply(List<String> words, Instant now) {
    if (words.size() < 3 || !words.get(0).equals("vault")) {
      throw new IllegalArgumentException("not a vault command this test server understands: " + words);
    }
    String verb = words.get(1) + " " + words.get(2);
    if (verb.equals("secrets enable") && words.size() == 4) {
      server.enablePki(words.get(3));
    } else if (verb.equals("secrets tune") && words.size() == 5 && words.get(3).startsWith("-max-lease-ttl=")) {
      mount(words.get(4)).tuneMaxLeaseTtl(GoDuration.parse(words.get(3).substring("-max-lease-ttl=".length())));
    } else if (words.get(1).equals("write")) {
      write(words.get(2), parameters(words.subList(3, words.size())), now);
    } else {
      throw new IllegalArgumentException("not a vault command this test server understands: " + words);
    }
  }

  private void write(String path, Map<String, String> parameters, Instant now) {
    String[] parts = path.split("/", 2);
    TestPkiMount mount = mount(parts[0]);
    String rest = parts.length > 1 ? parts[1] : "";
    if (rest.equals("config/urls")) {
      return; // issuing and CRL URLs do not change what is issued
    }
    if (rest.startsWith("roles/")) {
      mount.role(rest.substring("roles/".length()), role(parameters));
    } else if (rest.equals("root/generate/internal")) {
      mount.generateRoot(parameters.get("common_name"), GoDuration.parse(parameters.get("ttl")), now);
    } else {
      throw new IllegalArgumentException("not a path this test server's CLI subset writes: " + path);
    }
  }

  private TestPkiRole role(Map<String, String> parameters) {
    TestPkiRole role = new TestPkiRole();
    parameters.forEach((key, value) -> {
      switch (key) {
        case "allow_any_name" -> role.allowAnyName(Boolean.parseBoolean(value));
        case "allow_subdomains" -> role.allowSubdomains(Boolean.parseBoolean(value));
        case "allow_bare_domains" -> role.allowBareDomains(Boolean.parseBoolean(value));
        case "allow_glob_domains" -> role.allowGlobDomains(Boolean.parseBoolean(value));
        case "allow_localhost" -> role.allowLocalhost(Boolean.parseBoolean(value));
        case "allowed_domains" -> role.allowedDomains(value.split(","));
        case "allowed_uri_sans" -> role.allowedUriSans(value.split(","));
        case "max_ttl" -> role.maxTtl(GoDuration.parse(value));
        case "ttl" -> role.ttl(GoDuration.parse(value));
        default -> warnings.add("Endpoint ignored these unrecognized parameters: [" + key + "]");
      }
    });
    return role;
  }

  private TestPkiMount mount(String name) {
    TestPkiMount mount = server.pkiMount(name);
    if (mount == null) {
      throw new IllegalArgumentException("no secrets engine is enabled at " + name + "/");
    }
    return mount;
  }

  private static Map<String, String> parameters(List<String> words) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String word : words) {
      int equals = word.indexOf('=');
      if (equals < 1) {
        throw new IllegalArgumentException("a vault write parameter must be key=value, got " + word);
      }
      parameters.put(word.substring(0, equals), word.substring(equals + 1));
    }
    return parameters;
  }

  private String expand(String command) {
    String expanded = command;
    for (Map.Entry<String, String> variable : variables.entrySet()) {
      expanded = expanded.replace("${" + variable.getKey() + "}", variable.getValue())
          .replace("$" + variable.getKey(), variable.getValue());
    }
    return expanded;
  }

  /** Splits at blanks outside quotes and removes the quotes, as a shell does. */
  private static List<String> words(String command) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    char quote = 0;
    boolean inWord = false;
    for (char c : command.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
