# Inputs. Every variable has a description and a type; enumerable ones are validated so a typo fails at
# `terraform plan`, not at the first upload.

variable "region" {
  description = "AWS Region to deploy into. null uses the provider's default chain (AWS_REGION, then the profile). Rekognition Video must be offered there."
  type        = string
  default     = null
}

variable "name_prefix" {
  description = "Prefix for every resource name (functions, tables, state machine, roles, queues)."
  type        = string
  default     = "vidmeta"

  validation {
    # Every name built from it fits its service's limit in every region (TerraformNameLengthTest computes the
    # worst cases), the tightest being the results bucket '<name_prefix>-results-<account>-<region>': at most 63
    # characters (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). S3, Lambda,
    # DynamoDB, SQS, SNS and IAM names all accept this alphabet.
    condition     = can(regex("^[a-z][a-z0-9-]{1,23}$", var.name_prefix))
    error_message = "name_prefix must be 2-24 characters of lower-case letters, digits and '-', starting with a letter."
  }

  validation {
    # Bucket names must not start with these: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    condition     = !anytrue([for p in ["xn--", "sthree-", "amzn-s3-demo-"] : startswith(var.name_prefix, p)])
    error_message = "name_prefix must not start with xn--, sthree- or amzn-s3-demo- (reserved by S3 for bucket names)."
  }
}

variable "tags" {
  description = "Extra tags applied to every resource, merged over Project and Deployment."
  type        = map(string)
  default     = {}
}

# --- S3 -------------------------------------------------------------------------------------------

variable "source_bucket_name" {
  description = "Name of an EXISTING bucket to watch. null creates a new, hardened source bucket. For an existing bucket only its notification configuration is managed (EventBridge on): encryption, policy and public access stay as its owner set them."
  type        = string
  default     = null
}

variable "manage_source_bucket_notification" {
  description = "Whether Terraform owns the source bucket's notification configuration (turning EventBridge delivery on). aws_s3_bucket_notification REPLACES the bucket's whole configuration: set false for an existing bucket whose other notifications are managed elsewhere, and turn EventBridge on there."
  type        = bool
  default     = true
}

variable "force_destroy_buckets" {
  description = "Let `terraform destroy` delete the buckets created here even when they still hold objects (every version). Off by default: uploads and results are data. Turn it on, apply, then destroy, to clean up a trial."
  type        = bool
  default     = false
}

variable "results_bucket_name" {
  description = "Name for the bucket that receives the full MediaInfo and Rekognition JSON. null derives '<name_prefix>-results-<account>-<region>'. It is always a separate bucket with no EventBridge delivery, so results never trigger the pipeline."
  type        = string
  default     = null

  validation {
    # S3 bucket naming rules: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    condition     = var.results_bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.results_bucket_name))
    error_message = "results_bucket_name must be 3-63 characters of lower-case letters, digits, '.' and '-', starting and ending with a letter or digit."
  }
}

variable "source_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the source objects (an existing SSE-KMS bucket). null: SSE-S3, no key. The probe and the two functions that start Rekognition jobs, start_analysis and rekognition_callback (whose credentials Rekognition reads the video with), get kms:Decrypt on it through S3; the key policy must let the account's IAM policies grant that (the default key policy does)."
  type        = string
  default     = null

  validation {
    # A key ARN, not an alias or key id: "To specify a KMS key in an IAM policy statement, you must use its key ARN"
    # (https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html).
    condition     = var.source_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.source_kms_key_arn))
    error_message = "source_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), not an alias."
  }
}

variable "results_prefix" {
  description = "Key prefix for everything the pipeline writes into the results bucket."
  type        = string
  default     = "vidmeta/"

  validation {
    # S3's safe key characters (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html) less the
    # apostrophe, which would end the JSONata string literal the state machine embeds this in (RenderedAslTest).
    # Not ! * ( ) ~: the state machine matches the event's URL-encoded key with JSONata's $encodeUrlComponent,
    # which leaves them as they are, while form encoders (as S3 notifications' "red+flower.jpg") may escape them.
    condition     = can(regex("^([A-Za-z0-9_.-]+/)+$", var.results_prefix))
    error_message = "results_prefix must be one or more path segments of letters, digits and _.- each ending in '/', e.g. \"vidmeta/\"."
  }
}

variable "watched_prefixes" {
  description = "Key prefixes the pipeline analyses; an object outside them gets a SKIPPED record. Empty list: every key."
  type        = list(string)
  default     = []

  validation {
    # The state machine receives them comma-joined, inside a JSON string and a JSONata string literal
    # (RenderedAslTest renders the definition with values these validations accept).
    # Nor ! * ( ) ~, whose URL encoding differs between encoders (see results_prefix), so that the encoded form
    # the state machine builds is the one the event carries.
    condition     = alltrue([for p in var.watched_prefixes : can(regex("^[^,'\"\\\\\\x00-\\x1f!*()~]+$", p))])
    error_message = "watched_prefixes entries must be non-empty and contain no comma, quote, apostrophe, backslash, control character (the state machine embeds them comma-joined in JSON and JSONata strings) or ! * ( ) ~ (their URL encoding differs between encoders)."
  }
}

variable "watched_suffixes" {
  description = "Key suffixes (case-insensitive) the pipeline analyses; an object with another suffix gets a SKIPPED record. Empty list: every key."
  type        = list(string)
  default     = [".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".ts", ".mxf"]

  validation {
    # As for watched_prefixes.
    condition     = alltrue([for s in var.watched_suffixes : can(regex("^[^,'\"\\\\\\x00-\\x1f!*()~]+$", s))])
    error_message = "watched_suffixes entries must be non-empty and contain no comma, quote, apostrophe, backslash, control character (the state machine embeds them comma-joined in JSON and JSONata strings) or ! * ( ) ~ (their URL encoding differs between encoders)."
  }
}

# --- Lambda ---------------------------------------------------------------------------------------

variable "lambda_jar_path" {
  description = "Path to the one jar Maven builds (`mvn -B package -pl tasks -am`). null uses ../tasks/target/vidmeta-tasks-0.1.0-SNAPSHOT-lambda.jar. Terraform never builds it."
  type        = string
  default     = null
}

variable "architecture" {
  description = "Instruction set of every function and of the MediaInfo layer."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be \"x86_64\" or \"arm64\"."
  }
}

variable "function_settings" {
  description = "Per-function overrides of memory (MB) and timeout (seconds). Keys: probe, start_analysis, rekognition_callback, merge_record. Unset attributes keep the defaults in lambda.tf."
  type = map(object({
    memory_mb       = optional(number)
    timeout_seconds = optional(number)
  }))
  default = {}

  validation {
    condition     = alltrue([for k in keys(var.function_settings) : contains(["probe", "start_analysis", "rekognition_callback", "merge_record"], k)])
    error_message = "function_settings keys must be among: probe, start_analysis, rekognition_callback, merge_record."
  }

  validation {
    condition = alltrue([for s in values(var.function_settings) :
      (s.memory_mb == null || (s.memory_mb >= 128 && s.memory_mb <= 10240)) &&
    (s.timeout_seconds == null || (s.timeout_seconds >= 1 && s.timeout_seconds <= 900))])
    error_message = "memory_mb must be 128-10240 and timeout_seconds 1-900 (Lambda's limits)."
  }
}

variable "log_level" {
  description = "Application log level of every function (Powertools logging)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.log_level)
    error_message = "log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL."
  }
}

variable "log_retention_days" {
  description = "Retention of every CloudWatch Logs group created here (functions and state machine)."
  type        = number
  default     = 30

  validation {
    # The values CloudWatch Logs accepts for retentionInDays.
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

# --- MediaInfo layer ------------------------------------------------------------------------------

variable "mediainfo_layer_zip_path" {
  description = "Path to MediaArea's MediaInfo_DLL_<version>_Lambda_<architecture>.zip already on disk. null downloads mediainfo_version from mediaarea.net and checks it against mediainfo_sha256."
  type        = string
  default     = null
}

variable "mediainfo_version" {
  description = "MediaInfoLib version of the downloaded layer. 23.04 is the version the tests run against (Debian's libmediainfo0v5 23.04)."
  type        = string
  default     = "23.04"

  validation {
    condition     = can(regex("^[0-9]{2}\\.[0-9]{2}(\\.[0-9]{1,4})?$", var.mediainfo_version))
    error_message = "mediainfo_version looks like 23.04 or 24.12."
  }
}

variable "mediainfo_sha256" {
  description = "Expected SHA-256 (hex) of MediaInfo_DLL_<mediainfo_version>_Lambda_<architecture>.zip, per architecture. Change it together with mediainfo_version."
  type        = map(string)
  # These pins come from a public list of MediaArea download checksums; they could not be checked against the
  # zips from where vidmeta is developed (no internet). Check them once (sha256sum) before the first apply.
  default = {
    x86_64 = "2a4674dc79d24568838a582f8fb55bed48014cff7566685b1f3f19bb3f0a8714"
    arm64  = "fb5bb11ecbc73f69ef8f017bb05ff56a167b0a813a4fbf2f974d4f20f3eb9f93"
  }

  validation {
    condition     = alltrue([for h in values(var.mediainfo_sha256) : can(regex("^[0-9a-f]{64}$", h))])
    error_message = "mediainfo_sha256 values must be 64 lower-case hex digits."
  }
}

# --- Rekognition ----------------------------------------------------------------------------------

variable "analyses" {
  description = "Rekognition Video analyses every upload gets, each with an optional minimum confidence (0-100). Names: celebrities, labels, faces, text, moderation, segments. One execution waits for all of them."
  type = list(object({
    name           = string
    min_confidence = optional(number)
  }))
  default = [{ name = "celebrities" }]

  validation {
    condition     = length(var.analyses) > 0 && length(distinct([for a in var.analyses : a.name])) == length(var.analyses)
    error_message = "analyses must list at least one analysis, each at most once."
  }

  validation {
    condition     = alltrue([for a in var.analyses : contains(local.analysis_names, a.name)])
    error_message = "analyses names must be among: celebrities, labels, faces, text, moderation, segments."
  }

  validation {
    condition     = alltrue([for a in var.analyses : a.min_confidence == null || (a.min_confidence >= 0 && a.min_confidence <= 100)])
    error_message = "min_confidence must be between 0 and 100."
  }
}

variable "analysis_timeout_seconds" {
  description = "How long the state machine waits for Rekognition (Analyze With Rekognition's TimeoutSeconds) before recording a PARTIAL result."
  type        = number
  default     = 14400

  validation {
    condition     = var.analysis_timeout_seconds >= 60 && var.analysis_timeout_seconds <= 86400
    error_message = "analysis_timeout_seconds must be between 60 and 86400."
  }
}

variable "rekognition_job_slots" {
  description = "Rekognition Video jobs the pipeline runs at once, shared by every analysis type (each configured analysis of a video is one job). Executions beyond it wait for a slot on their task token, in arrival order. Rekognition's default quota is 20 concurrent stored-video jobs per account and Region (https://docs.aws.amazon.com/rekognition/latest/dg/limits.html): set it to your quota minus what other workloads of the account run."
  type        = number
  default     = 20

  validation {
    condition     = var.rekognition_job_slots >= 1 && var.rekognition_job_slots <= 1000 && floor(var.rekognition_job_slots) == var.rekognition_job_slots
    error_message = "rekognition_job_slots must be a whole number between 1 and 1000 (every lease lives in one DynamoDB item of at most 400 KB)."
  }

  validation {
    condition     = var.rekognition_job_slots >= length(var.analyses)
    error_message = "rekognition_job_slots must be at least the number of analyses: each video needs one slot per analysis."
  }
}

variable "lease_sweep_minutes" {
  description = "How often a schedule runs the callback's sweep: it reconciles Rekognition job slots whose completion notification never came (after analysis_timeout_seconds) and wakes waiting executions, even when no other job ends. 0 turns the schedule off."
  type        = number
  default     = 15

  validation {
    condition     = var.lease_sweep_minutes >= 0 && var.lease_sweep_minutes <= 1440 && floor(var.lease_sweep_minutes) == var.lease_sweep_minutes
    error_message = "lease_sweep_minutes must be a whole number between 0 and 1440."
  }
}

# --- Step Functions / EventBridge -----------------------------------------------------------------

variable "state_machine_log_level" {
  description = "Step Functions execution logging level (CloudWatch Logs)."
  type        = string
  default     = "ERROR"

  validation {
    condition     = contains(["ALL", "ERROR", "FATAL", "OFF"], var.state_machine_log_level)
    error_message = "state_machine_log_level must be ALL, ERROR, FATAL or OFF."
  }
}

variable "state_machine_log_execution_data" {
  description = "Whether execution logs include state input and output. Off by default: the input carries object keys and the analysis results names of people."
  type        = bool
  default     = false
}

variable "event_maximum_retry_attempts" {
  description = "How many times EventBridge retries StartExecution before sending the event to its dead-letter queue."
  type        = number
  default     = 185

  validation {
    condition     = var.event_maximum_retry_attempts >= 0 && var.event_maximum_retry_attempts <= 185
    error_message = "event_maximum_retry_attempts must be 0-185 (EventBridge's limit)."
  }
}

variable "event_maximum_age_seconds" {
  description = "How long EventBridge keeps retrying an undelivered event before sending it to its dead-letter queue."
  type        = number
  default     = 86400

  validation {
    condition     = var.event_maximum_age_seconds >= 60 && var.event_maximum_age_seconds <= 86400
    error_message = "event_maximum_age_seconds must be 60-86400 (EventBridge's limits)."
  }
}

variable "dlq_message_retention_seconds" {
  description = "Retention of the dead-letter queues (EventBridge target and SNS subscription)."
  type        = number
  default     = 1209600

  validation {
    condition     = var.dlq_message_retention_seconds >= 60 && var.dlq_message_retention_seconds <= 1209600
    error_message = "dlq_message_retention_seconds must be 60-1209600 (SQS's limits)."
  }
}

variable "alarm_actions" {
  description = "ARNs notified when an alarm fires or clears (for example an SNS topic); empty: the alarm only shows in CloudWatch."
  type        = list(string)
  default     = []
}
