package dev.vimi.sample.web;

import dev.vimi.spi.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.util.unit.DataSize;
import org.springframework.web.multipart.MaxUploadSizeExceededException;

/** Errors in the visitor's terms: which field, and the SDK's sentence about it. */
@RestControllerAdvice
class ApiErrors {
  private final DataSize maxUpload;

  ApiErrors(@Value("${spring.servlet.multipart.max-file-size:1MB}") DataSize maxUpload) {
    this.maxUpload = maxUpload;
  }

  @ExceptionHandler(InvalidInputException.class)
  ResponseEntity<Map<String, Object>> invalid(InvalidInputException e) {
    return ResponseEntity.badRequest().body(body(e.field(), e.getMessage()));
  }

  @ExceptionHandler(MaxUploadSizeExceededException.class)
  ResponseEntity<Map<String, Object>> tooLarge(MaxUploadSizeExceededException e) {
    return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
        .body(body("image", "the upload is too large; pictures of at most " + maxUpload.toKilobytes() + " KiB are accepted"));
  }

  @ExceptionHandler(QueueFullException.class)
  ResponseEntity<Map<String, Object>> busy(QueueFullException e) {
    return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
        .body(body(null, e.getMessage()));
  }

  private static Map<String, Object> body(String field, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (field != null) {
      m.put("field", field);
    }
    m.put("message", message);
    return m;
  }
}
