#include <gtest/gtest.h>

#include <stdexcept>

#include "plugin/http/http_client.hpp"
#include "plugin/http/http_url.hpp"

namespace tempoload::http {
namespace {

TEST(BaseUrl, ParsesHostPortAndPrefix) {
  BaseUrl u = parse_base_url("http://127.0.0.1:8080");
  EXPECT_FALSE(u.tls);
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 8080);
  EXPECT_EQ(u.prefix, "");
  EXPECT_TRUE(u.host_is_ip);
  EXPECT_EQ(u.host_header(), "127.0.0.1:8080");

  u = parse_base_url("HTTPS://Gym.Example.com/tempo/api/");
  EXPECT_TRUE(u.tls);
  EXPECT_EQ(u.host, "gym.example.com");
  EXPECT_EQ(u.port, 443);
  EXPECT_EQ(u.prefix, "/tempo/api");
  EXPECT_FALSE(u.host_is_ip);
  EXPECT_EQ(u.host_header(), "gym.example.com");
  EXPECT_EQ(u.authority(), "gym.example.com:443");

  u = parse_base_url("http://[::1]:9000/");
  EXPECT_EQ(u.host, "::1");
  EXPECT_TRUE(u.host_is_ip);
  EXPECT_EQ(u.host_header(), "[::1]:9000");

  EXPECT_EQ(parse_base_url("http://localhost").port, 80);
}

TEST(BaseUrl, RejectsBadUrlsNamingThem) {
  for (const char* bad : {"",
                          "127.0.0.1:8080",
                          "ftp://host",
                          "http://",
                          "http://:80",
                          "http://host:",
                          "http://host:0",
                          "http://host:65536",
                          "http://host:80x",
                          "http://user@host",
                          "http://host/path?q=1",
                          "http://host/#frag",
                          "http://ho st",
                          "http://host_name",
                          "http://-host",
                          "http://[::1",
                          "http://[nothex]:80",
                          "http://999.1.1.1",
                          "http://host//double",
                          " http://host"}) {
    try {
      parse_base_url(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos)
          << e.what();
    }
  }
}

TEST(HttpClientConstruction, RejectsBadUrlAndOptions) {
  EXPECT_THROW(HttpClient("gym:8080"), std::invalid_argument);
  HttpClientOptions zero;
  zero.timeout_s = 0;
  EXPECT_THROW(HttpClient("http://127.0.0.1:1", zero), std::invalid_argument);
  HttpClientOptions no_body;
  no_body.max_body_bytes = 0;
  EXPECT_THROW(HttpClient("http://127.0.0.1:1", no_body), std::invalid_argument);
}

}  // namespace
}  // namespace tempoload::http
