package dev.vimi.retriever.lucene.internal;

import dev.vimi.spi.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * A caption or prompt as a BM25 bag-of-words query: the text runs through the memory's analyzer
 * (no query syntax, so no parser and no escaping), each distinct term becomes one optional clause,
 * boosted by how often it occurs in the text. This scores exactly like one clause per occurrence
 * (Anserini's bag-of-words query) with fewer clauses. A disjunction of term queries lets Lucene
 * skip documents that cannot reach the top K (block-max MAXSCORE/WAND).
 */
final class Bm25Query {
  private Bm25Query() {}

  /**
   * The query, or null if analysis leaves no term (the text holds only stop words or punctuation).
   *
   * @throws InvalidInputException if the text has more distinct terms than one Lucene query may hold
   */
  static Query build(Analyzer analyzer, String field, String text) {
    Map<String, int[]> counts = new LinkedHashMap<>();
    try (TokenStream ts = analyzer.tokenStream(field, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        counts.computeIfAbsent(term.toString(), t -> new int[1])[0]++;
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException("analysing a query string cannot fail", e);
    }
    if (counts.isEmpty()) {
      return null;
    }
    int max = IndexSearcher.getMaxClauseCount();
    if (counts.size() > max) {
      throw new InvalidInputException(
          "query",
          "the query has " + counts.size() + " distinct terms after analysis, but one BM25 query takes at most " + max
              + "; shorten it (a caption rarely needs more than a few dozen words)");
    }
    if (counts.size() == 1) {
      Map.Entry<String, int[]> e = counts.entrySet().iterator().next();
      return clause(field, e.getKey(), e.getValue()[0]);
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (Map.Entry<String, int[]> e : counts.entrySet()) {
      b.add(clause(field, e.getKey(), e.getValue()[0]), BooleanClause.Occur.SHOULD);
    }
    return b.build();
  }

  private static Query clause(String field, String term, int count) {
    Query q = new TermQuery(new Term(field, term));
    return count == 1 ? q : new BoostQuery(q, count);
  }
}
