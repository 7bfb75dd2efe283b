#include "data/download.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

#include "common/diagnostics.h"
#include "data/transfer_progress.h"
#include "results/atomic_file.h"

namespace optbench::core {
namespace {

namespace fs = std::filesystem;

std::string hex_digest(const fs::path& path, const EVP_MD* md) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), md, nullptr);
  std::vector<char> buffer(1 << 20);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0)
    EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(in.gcount()));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    char two[3];
    std::snprintf(two, sizeof two, "%02x", digest[i]);
    hex += two;
  }
  return hex;
}

struct Transfer {
  std::FILE* out = nullptr;
  const RemoteFile* file = nullptr;
  std::uint64_t offset = 0;    // bytes already in the .part file before this request
  std::uint64_t received = 0;  // bytes written by this request
  bool too_long = false;       // more bytes than `bytes` says
  bool write_failed = false;
  TransferProgress* progress = nullptr;
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (t.file->bytes && t.offset + t.received + n > *t.file->bytes) {
    t.too_long = true;
    return 0;  // aborts the transfer
  }
  if (std::fwrite(data, 1, n, t.out) != n) {
    t.write_failed = true;
    return 0;
  }
  t.received += n;
  t.progress->update(t.offset + t.received);
  return n;
}

void global_init() {
  static const bool done = [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("libcurl failed to initialise");
    return true;
  }();
  (void)done;
}

enum class Outcome { kComplete, kInterrupted, kRestart, kFailed };

// One request for the rest of `part` from `url`. `error` says what went wrong.
Outcome request(const std::string& url, const RemoteFile& file, const fs::path& part, std::string& error) {
  Transfer t;
  t.file = &file;
  t.offset = fs::exists(part) ? fs::file_size(part) : 0;
  if (file.bytes && t.offset > *file.bytes) {  // not a prefix of this file: start again
    fs::remove(part);
    t.offset = 0;
  }
  if (file.bytes && t.offset == *file.bytes) return Outcome::kComplete;
  t.out = std::fopen(part.c_str(), "ab");
  if (!t.out) throw std::runtime_error("cannot write " + part.string());
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  char curl_error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, curl_error);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(curl.get(), CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_LIMIT, 1024L);  // under 1 kB/s for a minute: stalled
  curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "optbench-host (libcurl)");
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &t);
  if (t.offset > 0) {
    spdlog::info("{}: resuming after {} MB", file.name, megabytes(static_cast<double>(t.offset)));
    curl_easy_setopt(curl.get(), CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(t.offset));
  }
  TransferProgress progress(file.name, file.bytes, t.offset);
  t.progress = &progress;
  const CURLcode code = curl_easy_perform(curl.get());
  progress.finish();
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  const bool closed = std::fclose(t.out) == 0;
  if (t.write_failed || !closed) throw std::runtime_error("cannot write " + part.string() + " (disk full?)");
  if (t.too_long) {
    fs::remove(part);
    error = "sent more than the " + std::to_string(*file.bytes) + " bytes expected";
    return Outcome::kFailed;
  }
  if (code == CURLE_OK) return Outcome::kComplete;
  if (code == CURLE_HTTP_RETURNED_ERROR && status == 416 && t.offset > 0 && !file.bytes)
    return Outcome::kComplete;  // the range starts at the end: nothing was missing
  const std::string what = *curl_error ? curl_error : curl_easy_strerror(code);
  if (code == CURLE_RANGE_ERROR) {  // the server ignores ranges: start again from the first byte
    fs::remove(part);
    error = what;
    return Outcome::kRestart;
  }
  const std::uint64_t have = t.offset + t.received;
  error = what;
  if (have > 0) {
    error += " after " + std::to_string(have) + (file.bytes ? " of " + std::to_string(*file.bytes) : std::string()) +
             " bytes (kept in " + part.string() + "; run again to resume)";
    return Outcome::kInterrupted;
  }
  return Outcome::kFailed;
}

}  // namespace

std::string verification_error(const RemoteFile& file, const fs::path& path) {
  const std::uint64_t size = fs::file_size(path);
  if (file.bytes && size != *file.bytes)
    return "it has " + std::to_string(size) + " bytes, expected " + std::to_string(*file.bytes);
  const bool sha = !file.sha256.empty();
  const std::string actual = hex_digest(path, sha ? EVP_sha256() : EVP_md5());
  const std::string& expected = sha ? file.sha256 : file.md5;
  if (actual != expected) return std::string(sha ? "SHA-256" : "MD5") + " is " + actual + ", expected " + expected;
  return "";
}

void download_verified(const RemoteFile& file, const fs::path& destination) {
  global_init();
  const fs::path part = destination.string() + ".part";
  std::vector<std::string> failures;
  for (const std::string& url : file.urls) {
    spdlog::info("{}: downloading {}", file.name, url);
    std::string error;
    Outcome outcome = request(url, file, part, error);
    if (outcome == Outcome::kRestart) outcome = request(url, file, part, error);
    if (outcome != Outcome::kComplete) {
      failures.push_back(url + ": " + error);
      continue;
    }
    const std::string wrong = verification_error(file, part);
    if (!wrong.empty()) {
      fs::remove(part);
      failures.push_back(url + ": the download is not the published file: " + wrong + " (deleted)");
      continue;
    }
    sync_to_disk(part);
    fs::rename(part, destination);
    sync_to_disk(destination.parent_path());
    spdlog::info("{}: {} MB verified", file.name, megabytes(static_cast<double>(fs::file_size(destination))));
    return;
  }
  throw std::runtime_error("cannot download " + file.name + ":\n  " + join(failures, "\n  "));
}

}  // namespace optbench::core
