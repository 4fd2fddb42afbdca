# libmediainfo for the probe, as a Lambda layer built from MediaArea's prebuilt Lambda zip:
#   https://mediaarea.net/download/binary/libmediainfo0/<version>/MediaInfo_DLL_<version>_Lambda_<arch>.zip
# (listed on https://mediaarea.net/en/MediaInfo/Download/Lambda). The zip holds lib/libmediainfo.so.0.0.0, and
# the .so.0/.so symlinks only sometimes; it is published as it is, and a layer unpacks it to /opt/lib (on
# LD_LIBRARY_PATH: https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html). The probe loads whichever
# libmediainfo.so* file is there (LibMediaInfo.filesIn), so nothing here depends on the symlinks.
#
# Either the user supplies the zip (mediainfo_layer_zip_path), or Terraform downloads the pinned version and
# refuses it unless its SHA-256 matches mediainfo_sha256, before any layer is published.

locals {
  mediainfo_zip_name = "MediaInfo_DLL_${var.mediainfo_version}_Lambda_${var.architecture}.zip"
  mediainfo_zip_url  = "https://mediaarea.net/download/binary/libmediainfo0/${var.mediainfo_version}/${local.mediainfo_zip_name}"
  download_mediainfo = var.mediainfo_layer_zip_path == null

  mediainfo_zip_path  = local.download_mediainfo ? local_file.mediainfo_zip[0].filename : var.mediainfo_layer_zip_path
  mediainfo_layer_arn = aws_lambda_layer_version.mediainfo.arn
}

data "http" "mediainfo_zip" {
  count = local.download_mediainfo ? 1 : 0
  url   = local.mediainfo_zip_url

  lifecycle {
    postcondition {
      condition     = self.status_code == 200
      error_message = "Downloading ${local.mediainfo_zip_url} failed (HTTP ${self.status_code}). Download it by hand and set mediainfo_layer_zip_path."
    }
  }
}

resource "local_file" "mediainfo_zip" {
  count          = local.download_mediainfo ? 1 : 0
  filename       = "${path.root}/.terraform/mediainfo/${local.mediainfo_zip_name}"
  content_base64 = data.http.mediainfo_zip[0].response_body_base64

  lifecycle {
    postcondition {
      condition     = self.content_sha256 == lookup(var.mediainfo_sha256, var.architecture, "")
      error_message = "SHA-256 of ${local.mediainfo_zip_name} is ${self.content_sha256}, not the pinned ${lookup(var.mediainfo_sha256, var.architecture, "(none pinned)")}. Refusing to publish it as a layer."
    }
  }
}

resource "aws_lambda_layer_version" "mediainfo" {
  layer_name  = "${var.name_prefix}-mediainfo-${replace(var.mediainfo_version, ".", "-")}"
  description = "MediaArea libmediainfo ${var.mediainfo_version} (${local.mediainfo_zip_name})"
  filename    = local.mediainfo_zip_path
  # A downloaded zip does not exist yet at plan time, so its hash comes from the resource that writes it.
  source_code_hash         = local.download_mediainfo ? local_file.mediainfo_zip[0].content_base64sha256 : filebase64sha256(var.mediainfo_layer_zip_path)
  compatible_runtimes      = ["java21"]
  compatible_architectures = [var.architecture]
  license_info             = "BSD-2-Clause"
}
