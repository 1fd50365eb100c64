# The OCR function (ocrWorker) as a Lambda container image: RapidOCR's models, ONNX Runtime and
# OpenCV are too big for a zip + layers. Build from the repository root and push to ECR:
#   docker build -f infra/ocr.Dockerfile -t <account>.dkr.ecr.<region>.amazonaws.com.cn/yimen-ocr:<tag> .
#   docker push <that tag>      # then deploy with --param="ocrImageUri=<that tag>"
FROM public.ecr.aws/lambda/python:3.12

COPY pyproject.toml ${LAMBDA_TASK_ROOT}/
COPY backend ${LAMBDA_TASK_ROOT}/backend
RUN pip install --no-cache-dir ${LAMBDA_TASK_ROOT} \
 && python -c "from yimen.adapters.ocr_rapid import shared_engine; shared_engine()"
COPY functions ${LAMBDA_TASK_ROOT}/functions
COPY templates ${LAMBDA_TASK_ROOT}/templates

CMD ["functions.ocr_worker.handler"]
