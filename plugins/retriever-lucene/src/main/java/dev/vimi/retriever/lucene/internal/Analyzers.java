package dev.vimi.retriever.lucene.internal;

import dev.vimi.spi.ConfigurationException;
import java.lang.reflect.InvocationTargetException;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.core.SimpleAnalyzer;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;

/**
 * Analyzers by name: {@code english} (Unicode word breaks, English possessives removed, lower case,
 * Lucene's English stop words, Porter stemmer), {@code standard} (Unicode word breaks, lower case),
 * {@code simple} (runs of letters, lower case), {@code whitespace} (whitespace-separated, case
 * kept), or the fully qualified name of an {@link Analyzer} subclass with a public no-argument
 * constructor.
 */
public final class Analyzers {
  private Analyzers() {}

  public static void check(String owner, String name) {
    create(owner, name).close();
  }

  static Analyzer create(String owner, String name) {
    return switch (name) {
      case "english" -> new EnglishAnalyzer();
      case "standard" -> new StandardAnalyzer();
      case "simple" -> new SimpleAnalyzer();
      case "whitespace" -> new WhitespaceAnalyzer();
      default -> byClassName(owner, name);
    };
  }

  private static Analyzer byClassName(String owner, String name) {
    if (!name.contains(".")) {
      throw new ConfigurationException(
          owner + ": unknown analyzer '" + name + "'; use english, standard, simple, whitespace, or the class name of a Lucene Analyzer");
    }
    try {
      Class<?> c = Class.forName(name, true, Analyzers.class.getClassLoader());
      if (!Analyzer.class.isAssignableFrom(c)) {
        throw new ConfigurationException(owner + ": analyzer class " + name + " is not a " + Analyzer.class.getName());
      }
      return (Analyzer) c.getConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      throw new ConfigurationException(owner + ": analyzer class " + name + " is not on the class or module path", e);
    } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
      throw new ConfigurationException(owner + ": analyzer class " + name + " needs a public no-argument constructor", e);
    } catch (InvocationTargetException e) {
      throw new ConfigurationException(owner + ": analyzer class " + name + " failed to construct: " + e.getCause(), e.getCause());
    }
  }
}
