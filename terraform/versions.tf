# Terraform 1.11: the earliest release the project is tested with (`terraform fmt` in CI); it has every
# language feature used here (optional object attributes, pre/postconditions, templatefile()).
#
# AWS provider 6.x: the current major line. Everything used here already existed in 5.x, but 6.x is the
# line that receives fixes, and its per-resource `region` argument and removal of the deprecated inline
# S3 bucket arguments match how this configuration is written (one aws_s3_bucket_* resource per concern).
# `~> 6.0` accepts any 6.x and refuses 7.0, whose breaking changes would need a review first.
#
# hashicorp/http and hashicorp/local only serve the optional MediaInfo download (mediainfo_layer.tf).
terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    http = {
      source  = "hashicorp/http"
      version = "~> 3.4"
    }
    local = {
      source  = "hashicorp/local"
      version = "~> 2.5"
    }
  }
}

provider "aws" {
  # null: the provider's own chain (AWS_REGION, the profile's region) decides.
  region = var.region

  default_tags {
    tags = merge({ Project = "vidmeta", Deployment = var.name_prefix }, var.tags)
  }
}
