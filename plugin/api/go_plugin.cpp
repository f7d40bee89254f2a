#include "plugin/api/go_plugin.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace tempoload::plugin {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

[[noreturn]] void openssl_fail(const char* what) {
  throw std::runtime_error(std::string("AutoMTLS: ") + what + " failed");
}

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext || !X509_add_ext(cert, ext, -1)) openssl_fail("adding a certificate extension");
  X509_EXTENSION_free(ext);
}

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string base64_unpadded(const unsigned char* data, int len) {
  std::string out(4 * ((len + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, len);
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

}  // namespace

bool launched_by_plugin_host(const char* cookie) {
  return cookie && std::strcmp(cookie, kMagicCookieValue) == 0;
}

std::optional<int> negotiate_app_version(const char* host_versions, std::string& error) {
  std::vector<int> offered;
  if (!host_versions || !*host_versions) {
    offered.push_back(1);
  } else {
    std::stringstream ss(host_versions);
    std::string item;
    while (std::getline(ss, item, ',')) {
      try {
        offered.push_back(std::stoi(item));
      } catch (const std::exception&) {
        error = std::string("PLUGIN_PROTOCOL_VERSIONS: '") + host_versions +
                "' is not a comma-separated list of integers";
        return std::nullopt;
      }
    }
  }
  std::optional<int> best;
  for (int v : offered)
    if (std::find(kAppProtocolVersions.begin(), kAppProtocolVersions.end(), v) !=
            kAppProtocolVersions.end() &&
        (!best || v > *best))
      best = v;
  if (!best)
    error = std::string("no common app protocol version: host offers '") +
            (host_versions ? host_versions : "") + "', tempoload-plugin speaks 1";
  return best;
}

std::pair<int, int> port_range(const char* min_env, const char* max_env) {
  try {
    if (min_env && max_env && *min_env && *max_env) {
      const int lo = std::stoi(min_env), hi = std::stoi(max_env);
      if (lo > 0 && lo <= hi && hi < 65536) return {lo, hi};
    }
  } catch (const std::exception&) {
  }
  return {0, 0};
}

std::string handshake_line(int app_version, const std::string& address,
                           const std::string& server_cert_der_b64) {
  return std::to_string(kCoreProtocolVersion) + "|" + std::to_string(app_version) + "|tcp|" +
         address + "|grpc|" + server_cert_der_b64;
}

AutoMtls make_auto_mtls(const std::string& client_cert_pem) {
  {  // The host's certificate must parse; say so plainly when it does not.
    BioPtr bio(BIO_new_mem_buf(client_cert_pem.data(), static_cast<int>(client_cert_pem.size())));
    X509Ptr client(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!client) throw std::runtime_error("PLUGIN_CLIENT_CERT: not a PEM certificate");
  }
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) openssl_fail("generating the server key");
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -30);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 365);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("tempoload"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  // Like go-plugin's own: a self-signed CA certificate the host pins as its only root.
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment,keyCertSign");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth,clientAuth");
  add_extension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  if (!X509_sign(cert.get(), key.get(), EVP_sha256())) openssl_fail("signing the certificate");

  BioPtr cert_bio(BIO_new(BIO_s_mem())), key_bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(cert_bio.get(), cert.get()) ||
      !PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr))
    openssl_fail("encoding the certificate");
  unsigned char* der = nullptr;
  const int der_len = i2d_X509(cert.get(), &der);
  if (der_len <= 0) openssl_fail("DER-encoding the certificate");
  AutoMtls out;
  out.server_cert_der_b64 = base64_unpadded(der, der_len);
  OPENSSL_free(der);

  grpc::SslServerCredentialsOptions opts(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  opts.pem_root_certs = client_cert_pem;
  opts.pem_key_cert_pairs.push_back({bio_string(key_bio.get()), bio_string(cert_bio.get())});
  out.credentials = grpc::SslServerCredentials(opts);
  return out;
}

GrpcControllerService::GrpcControllerService(std::function<void()> shutdown)
    : shutdown_(std::move(shutdown)) {}

grpc::ServerUnaryReactor* GrpcControllerService::Shutdown(grpc::CallbackServerContext* ctx,
                                                          const ::plugin::Empty*,
                                                          ::plugin::Empty*) {
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  shutdown_();
  return reactor;
}

namespace {

class DrainingBrokerStream final
    : public grpc::ServerBidiReactor<::plugin::ConnInfo, ::plugin::ConnInfo> {
 public:
  DrainingBrokerStream() { StartRead(&in_); }
  void OnReadDone(bool ok) override {
    if (ok)
      StartRead(&in_);
    else
      Finish(grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  ::plugin::ConnInfo in_;
};

}  // namespace

grpc::ServerBidiReactor<::plugin::ConnInfo, ::plugin::ConnInfo>* GrpcBrokerService::StartStream(
    grpc::CallbackServerContext*) {
  return new DrainingBrokerStream();
}

}  // namespace tempoload::plugin
