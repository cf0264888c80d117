package io.openservicemesh.k8s;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.annotations.SerializedName;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import io.kubernetes.client.openapi.JSON;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes the Kubernetes client read objects that carry fields its models do not know. The generated models
 * refuse any unknown field (an {@code IllegalArgumentException} naming it), so an API server newer than the
 * client, or a mutating webhook adding a field, would make every read of such an object fail and every loop
 * that reads it stop. The Kubernetes API's own rule is the opposite: clients ignore what they do not know.
 *
 * <p>This puts an adapter in front of every model's: it drops the members a model does not declare (its
 * {@code openapiFields}), at every depth the model's fields lead to, before the model's own adapter checks
 * what remains. Writing is untouched.
 */
public final class UnknownFieldsTolerated implements TypeAdapterFactory {

  private static final String MODELS = "io.kubernetes.client.openapi.models.";
  private static volatile boolean installed;

  /** Model class to its JSON member names and, for members that hold models, the member's Java type. */
  private final Map<Class<?>, Optional<Schema>> schemas = new ConcurrentHashMap<>();

  private record Schema(Set<String> members, Map<String, Type> fieldTypes) {}

  private UnknownFieldsTolerated() {}

  /** Installs it into the client's (process-wide) JSON once. */
  public static synchronized void install() {
    if (!installed) {
      JSON.setGson(JSON.getGson().newBuilder().registerTypeAdapterFactory(new UnknownFieldsTolerated()).create());
      installed = true;
    }
  }

  @Override
  public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
    Class<? super T> raw = type.getRawType();
    if (!raw.getName().startsWith(MODELS) || schemaOf(raw) == null) {
      return null;
    }
    TypeAdapter<T> model = gson.getDelegateAdapter(this, type);
    TypeAdapter<JsonElement> elements = gson.getAdapter(JsonElement.class);
    return new TypeAdapter<>() {
      @Override
      public void write(JsonWriter out, T value) throws IOException {
        model.write(out, value);
      }

      @Override
      public T read(JsonReader in) throws IOException {
        JsonElement tree = elements.read(in);
        prune(tree, raw);
        return model.fromJsonTree(tree);
      }
    };
  }

  /** Removes, in place, every member {@code type}'s model does not declare, and so on down its fields. */
  void prune(JsonElement element, Type type) {
    if (element == null || element.isJsonNull()) {
      return;
    }
    if (type instanceof ParameterizedType parameterized) {
      Class<?> container = (Class<?>) parameterized.getRawType();
      Type[] arguments = parameterized.getActualTypeArguments();
      if (java.util.List.class.isAssignableFrom(container) && element.isJsonArray()) {
        for (JsonElement item : element.getAsJsonArray()) {
          prune(item, arguments[0]);
        }
      } else if (Map.class.isAssignableFrom(container) && element.isJsonObject()) {
        for (Map.Entry<String, JsonElement> entry : element.getAsJsonObject().entrySet()) {
          prune(entry.getValue(), arguments[1]);
        }
      }
      return;
    }
    if (!(type instanceof Class<?> model) || !element.isJsonObject()) {
      return;
    }
    Schema schema = schemaOf(model);
    if (schema == null) {
      return;
    }
    JsonObject object = element.getAsJsonObject();
    object.keySet().removeIf(member -> !schema.members().contains(member));
    schema.fieldTypes().forEach((member, fieldType) -> prune(object.get(member), fieldType));
  }

  /** Null for a class that is not a generated model with declared members (an enum, a helper type). */
  private Schema schemaOf(Class<?> model) {
    if (!model.getName().startsWith(MODELS)) {
      return null;
    }
    return schemas.computeIfAbsent(model, UnknownFieldsTolerated::readSchema).orElse(null);
  }

  @SuppressWarnings("unchecked")
  private static Optional<Schema> readSchema(Class<?> model) {
    try {
      Field declared = model.getDeclaredField("openapiFields");
      declared.setAccessible(true);
      Set<String> members = Set.copyOf((Set<String>) declared.get(null));
      Map<String, Type> fieldTypes = new ConcurrentHashMap<>();
      for (Field field : model.getDeclaredFields()) {
        SerializedName name = field.getAnnotation(SerializedName.class);
        if (name != null && !Modifier.isStatic(field.getModifiers()) && leadsToModels(field.getGenericType())) {
          fieldTypes.put(name.value(), field.getGenericType());
        }
      }
      return Optional.of(new Schema(members, Map.copyOf(fieldTypes)));
    } catch (NoSuchFieldException | IllegalAccessException | RuntimeException notAModel) {
      return Optional.empty();
    }
  }

  private static boolean leadsToModels(Type type) {
    if (type instanceof Class<?> c) {
      return c.getName().startsWith(MODELS);
    }
    if (type instanceof ParameterizedType p) {
      for (Type argument : p.getActualTypeArguments()) {
        if (leadsToModels(argument)) {
          return true;
        }
      }
    }
    return false;
  }
}
